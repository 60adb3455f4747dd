/* The compare view: for each agency (or year) its one best passage, as cards. */
import { apiParams } from "../api.js";
import { agencyText, bookTitle, el, hitParts, number, reportHref, splitAt, yearText } from "../dom.js";
import { $ } from "../state.js";
import { passageActions } from "./actions.js";

/* A window of the highlighted text around its first match: [fragment, cut?]. */
function excerpt(frag, before = 60, size = 200) {
  const nodes = Array.from(frag.childNodes);
  const length = nodes.reduce((n, c) => n + c.textContent.length, 0);
  if (length <= size + 40) return [frag, false];
  let first = 0;
  for (const c of nodes) {
    if (c.nodeName === "MARK") break;
    first += c.textContent.length;
  }
  if (first >= length) first = 0;
  const start = Math.max(0, Math.min(first - before, length - size));
  const [, rest] = splitAt(frag, start);
  const [win] = splitAt(rest, size);
  const out = document.createDocumentFragment();
  if (start > 0) out.appendChild(document.createTextNode("…"));
  out.appendChild(win);
  if (start + size < length) out.appendChild(document.createTextNode("…"));
  return [out, true];
}

export function renderCompare(s, res) {
  const byYear = res.by === "year";
  const what = byYear ? "年份" : "机构";
  $("compare-note").replaceChildren(
    el("strong", { text: number(res.groups) }),
    ` 个${what}各自最相关的一段，按相关度排序 · ` +
      `共 ${number(res.total)} 段、${number(res.reports)} 份报告命中`,
  );
  $("compare-csv").href = "/api/compare?" + apiParams(s, { by: res.by, limit: 0, format: "csv" }).toString();
  const cards = $("compare-cards");
  cards.dataset.by = res.by;
  if (!res.results.length) {
    cards.replaceChildren(el("li", { class: "empty-note", text: "没有可比较的段落。" }));
    return;
  }
  cards.replaceChildren(
    ...res.results.map((r) => {
      const parts = hitParts(r);
      const [body, cut] = parts.body ? excerpt(parts.body) : [null, false];
      const text = el("p", { class: "card-text" }, parts.lead ? el("strong", { class: "run-in" }, parts.lead) : null, body);
      if (cut) {
        text.appendChild(
          el("button", {
            type: "button",
            class: "more inline",
            text: "全文",
            on: {
              click: (ev) => {
                const full = hitParts(r);
                text.replaceChildren(full.lead ? el("strong", { class: "run-in" }, full.lead) : "", full.body || "");
                ev.currentTarget.remove();
              },
            },
          }),
        );
      }
      const group = byYear ? yearText(r.group) : r.label;
      const other = byYear
        ? el("span", { class: "hit-agency", text: agencyText(r.agency) })
        : el("span", { class: "hit-year", text: yearText(r.year) });
      return el(
        "li",
        {
          class: "card",
          data: {
            group: r.group === null ? "" : String(r.group),
            reports: String(r.matching_reports),
            passages: String(r.matching_passages),
            passageId: r.passage_id,
            reportId: r.report_id,
          },
        },
        el(
          "header",
          { class: "card-head" },
          el("span", { class: "card-rank", "aria-hidden": "true", text: r.rank }),
          el("h3", { class: "card-group", text: group }),
          el("span", {
            class: "card-count",
            title: `${r.matching_reports} 份报告中共 ${r.matching_passages} 段命中`,
            text: `${r.matching_reports} 份报告 · ${r.matching_passages} 段`,
          }),
        ),
        el(
          "div",
          { class: "card-meta" },
          other,
          r.published ? el("span", { class: "muted", text: `发布于 ${r.published}` }) : null,
          r.section ? el("span", { class: "tag", text: r.section }) : null,
        ),
        el(
          "div",
          { class: "card-title" },
          el("a", { href: reportHref(r.report_id, r.passage_id, s.q), text: bookTitle(r.title) }),
        ),
        parts.heading ? el("div", { class: "hit-heading" }, parts.heading) : null,
        parts.body || parts.lead ? text : null,
        ...passageActions(r, s.q),
      );
    }),
  );
}
