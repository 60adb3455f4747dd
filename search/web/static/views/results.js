/* The results view: the summary line, the active filter chips, the view tabs, the export
 * links, the hit list and the pager. */
import { apiParams } from "../api.js";
import { agencyText, el, hitParts, number, reportHref, titleText, yearText } from "../dom.js";
import { $, FIELDS, VIEWS, go, hasFilters, state, stateURL } from "../state.js";
import { passageActions } from "./actions.js";
import { renderEmpty } from "./empty.js";
import { FIELD_LABEL, renderChart, renderFacets } from "./facets.js";

export const PAGE = 10;
export const VIEW_LABEL = { results: "结果", compare: "对比", trend: "趋势", kwic: "语境", stats: "数据" };
const VIEW_HINT = {
  results: "逐段浏览命中的段落",
  compare: "每个机构（或年份）最相关的一段，并排比较",
  trend: "各年份命中的报告数及占当年报告的比例",
  kwic: "一个词在所有报告中的每一处上下文",
  stats: "年报标准表格中的数字：各机构各年份的申请、复议和诉讼",
};

export function showResults(s, res) {
  const total = res.total;
  const summary = $("summary");
  summary.dataset.total = String(total);
  summary.dataset.reports = String(res.reports);
  const what = s.q ? ["「", el("span", { class: "q", text: s.q }), "」"] : ["当前筛选"];
  if (!total) {
    summary.replaceChildren(...what, " 共 ", el("strong", { text: "0" }), " 段");
  } else {
    const first = res.offset + 1;
    const last = res.offset + res.hits.length;
    summary.replaceChildren(
      ...what,
      " 共 ",
      el("strong", { text: number(total) }),
      " 段，来自 ",
      el("strong", { text: number(res.reports) }),
      " 份报告",
      res.hits.length ? el("span", { class: "muted", text: ` · 第 ${first}–${last} 段` }) : "",
    );
  }
  renderActiveFilters(s);
  renderFacets(s, res.facets);
  renderChart(s, res.facets.year);
  renderTabs(s, res);
  renderExport(s, res);
  renderEmpty(s, res);
  if (s.view === "results") {
    renderHits(s, res);
    renderPager(s, res);
  } else {
    $("hits").replaceChildren();
    $("pager").hidden = true;
  }
}

export function renderActiveFilters(s) {
  $("active-filters").replaceChildren(
    ...FIELDS.filter((f) => s[f]).map((f) =>
      el(
        "button",
        {
          type: "button",
          class: "chip",
          title: `去掉${FIELD_LABEL[f]}筛选`,
          data: { field: f },
          on: { click: () => go({ ...s, [f]: "", offset: 0 }, { scroll: true }) },
        },
        el("span", { class: "chip-label", text: FIELD_LABEL[f] }),
        el("span", { class: "chip-value", text: s[f] }),
        el("span", { class: "chip-x", "aria-hidden": "true", text: "×" }),
      ),
    ),
  );
}

function renderHits(s, res) {
  const list = $("hits");
  list.start = res.offset + 1;
  list.replaceChildren(
    ...res.hits.map((h, i) => {
      const parts = hitParts(h);
      const meta = el(
        "div",
        { class: "hit-meta" },
        el("span", { class: "hit-agency", text: agencyText(h.agency) }),
        el("span", { class: "dot", text: "·" }),
        el("span", { class: "hit-year", text: yearText(h.year) }),
        h.section ? el("span", { class: "tag hit-section", text: h.section }) : null,
      );
      return el(
        "li",
        {
          class: "hit",
          data: {
            year: h.year === null ? "" : String(h.year),
            section: h.section || "",
            agency: h.agency || "",
            reportId: h.report_id,
            passageId: h.passage_id,
          },
        },
        el("span", { class: "rank", "aria-hidden": "true", text: res.offset + i + 1 }),
        el(
          "div",
          { class: "hit-body" },
          meta,
          el("h3", { class: "hit-title" }, el("a", { href: reportHref(h.report_id, h.passage_id, s.q), text: titleText(h.title) })),
          parts.heading ? el("div", { class: "hit-heading" }, parts.heading) : null,
          h.ocr ? el("span", { class: "ocr-mark", title: "此段由扫描页经文字识别（OCR）读出，可能有误读", text: "〔OCR〕" }) : null,
          parts.body || parts.lead
            ? el("p", { class: "hit-text" }, parts.lead ? el("strong", { class: "run-in" }, parts.lead) : null, parts.body)
            : null,
          ...passageActions(h, s.q),
        ),
      );
    }),
  );
}

function renderPager(s, res) {
  const pager = $("pager");
  const pages = Math.ceil(res.total / PAGE);
  pager.hidden = res.total <= PAGE && res.offset === 0;
  const page = Math.floor(res.offset / PAGE) + 1;
  $("page-info").textContent = `第 ${page} / ${Math.max(pages, 1)} 页`;
  const prev = $("prev");
  const next = $("next");
  prev.disabled = res.offset <= 0;
  next.disabled = res.offset + PAGE >= res.total;
  prev.onclick = () => turn({ ...s, offset: Math.max(0, res.offset - PAGE) });
  next.onclick = () => turn({ ...s, offset: res.offset + PAGE });
}

function turn(next) {
  go(next, { scroll: true });
}

export function renderTabs(s, res) {
  const counts = {};
  if (res) {
    counts.results = res.total;
    counts.compare = ((res.facets && res.facets[s.by]) || []).length;
    counts.trend = ((res.facets && res.facets.year) || []).length;
  }
  const unit = { results: "段", compare: s.by === "year" ? "个年份" : "个机构", trend: "个年份" };
  $("view-tabs").replaceChildren(
    ...VIEWS.map((v) => {
      const active = v === s.view;
      return el(
        "a",
        {
          href: stateURL({ ...s, view: v, offset: 0 }),
          class: "view-tab" + (active ? " active" : ""),
          role: "tab",
          "aria-selected": active ? "true" : "false",
          "aria-current": active ? "page" : null,
          title: VIEW_HINT[v],
          data: { view: v },
          on: {
            click: (ev) => {
              if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey || ev.button) return;
              ev.preventDefault();
              if (v !== state.current.view) go({ ...state.current, view: v, offset: 0 });
            },
          },
        },
        el("span", { class: "tab-label", text: VIEW_LABEL[v] }),
        counts[v] !== undefined ? el("span", { class: "tab-count", text: `${number(counts[v])} ${unit[v]}` }) : null,
      );
    }),
  );
}

function renderExport(s, res) {
  const box = $("export");
  box.hidden = !res.total;
  $("export-csv").href = "/api/export?" + apiParams(s, { format: "csv" }).toString();
  $("export-jsonl").href = "/api/export?" + apiParams(s, { format: "jsonl" }).toString();
  box.querySelector(".export-label").textContent = `导出全部 ${number(res.total)} 段`;
  box.title = "全部命中段落，含元数据和引用（CSV 可直接用 Excel 打开）";
}
