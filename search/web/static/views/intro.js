/* The landing view: what is in the index (counts, facets over every report, the report list)
 * and example queries. */
import { fetchJSON } from "../api.js";
import { agencyText, el, number, reportHref, titleText } from "../dom.js";
import { LABELS } from "../labels.js";
import { $, go, state } from "../state.js";
import { EXAMPLES, renderEmpty } from "./empty.js";
import { renderChart, renderFacets } from "./facets.js";

let reportsCache = null;

/* Facets over the whole index, from the report list (the same shape as the API's). */
function indexFacets(rows) {
  const count = (values) => {
    const m = new Map();
    for (const v of values) m.set(v, (m.get(v) || 0) + 1);
    return [...m].map(([value, n]) => ({ value, count: n }));
  };
  return {
    year: count(rows.map((r) => r.year || null)).sort((a, b) => (b.value || 0) - (a.value || 0)),
    section: count(rows.flatMap((r) => r.sections || [])).sort((a, b) => b.count - a.count),
    agency: count(rows.map((r) => r.agency || "")).sort(
      (a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value), "zh-CN"),
    ),
  };
}

export async function showIntro(my, signal) {
  $("hits").replaceChildren();
  $("pager").hidden = true;
  $("summary").replaceChildren();
  $("summary").dataset.total = "";
  $("active-filters").replaceChildren();
  $("intro").hidden = false;
  renderEmpty(state.current, null);
  $("examples").replaceChildren(
    "试试：",
    ...EXAMPLES.map((q) =>
      el("button", { type: "button", class: "example", text: q, on: { click: () => go({ ...state.current, q, offset: 0, term: "" }) } }),
    ),
  );
  try {
    reportsCache = reportsCache || (await fetchJSON("/api/reports", signal)).reports;
  } catch (err) {
    if (my !== state.seq || err.name === "AbortError") return;
    $("intro-stats").textContent = "无法读取索引：" + (err.message || String(err));
    return;
  }
  if (my !== state.seq) return;
  const rows = reportsCache;
  const years = rows.map((r) => r.year).filter(Boolean);
  const agencies = new Set(rows.map((r) => r.agency).filter(Boolean));
  const passages = rows.reduce((n, r) => n + (r.passages || 0), 0);
  $("intro-stats").replaceChildren(
    "索引中共有 ",
    el("strong", { text: number(rows.length) }),
    " 份报告、",
    el("strong", { text: number(passages) }),
    " 个段落，来自 ",
    el("strong", { text: number(agencies.size) }),
    " 个机构",
    years.length ? `，覆盖 ${Math.min(...years)}–${Math.max(...years)} 年。` : "。",
  );
  const facets = indexFacets(rows);
  renderFacets(state.current, facets);
  renderChart(state.current, facets.year, "各年份报告数");
  const list = $("report-list");
  const shown = list.dataset.all === "1" ? rows : rows.slice(0, 30);
  list.replaceChildren(
    ...shown.map((r) =>
      el(
        "li",
        {},
        el("a", { href: reportHref(r.report_id), text: titleText(r.title) }),
        el("span", {
          class: "muted",
          text: ` ${agencyText(r.agency)} · ${r.year || LABELS.no_year} · ${r.passages} 段`,
        }),
      ),
    ),
  );
  if (rows.length > shown.length) {
    list.appendChild(
      el(
        "li",
        { class: "more-row" },
        el("button", {
          type: "button",
          class: "more",
          text: `显示全部 ${rows.length} 份报告`,
          on: {
            click: () => {
              list.dataset.all = "1";
              showIntro(state.seq, undefined);
            },
          },
        }),
      ),
    );
  }
}
