/* The KWIC view: every occurrence of one word with its left and right context, lined up on
 * the word. The word comes from the search's plan (`terms`, as the server read the query)
 * unless one is typed; the plan's filters narrow it. */
import { fetchJSON, kwicParams } from "../api.js";
import { agencyText, bookTitle, el, number, reportHref } from "../dom.js";
import { LABELS } from "../labels.js";
import { $, go, hasFilters, state } from "../state.js";

const KWIC_LIMIT = 1000;
const KWIC_HEAD = { left: "左侧语境", right: "右侧语境", agency: "机构", year: "年份" };

/* The words KWIC can look up, one at a time: the plan's terms (not the excluded ones). */
const planTerms = (search) => (search && search.terms) || [];
export const kwicDefault = (search) => planTerms(search)[0] || "";
export const kwicTerm = (s, search) => s.term || kwicDefault(search);

export function fetchKwic(s, search, signal) {
  const term = kwicTerm(s, search);
  if (!term) return null;
  return fetchJSON("/api/kwic?" + kwicParams(term, search, { sort: s.sort, limit: KWIC_LIMIT }), signal);
}

export function renderKwic(s, res, search) {
  const term = kwicTerm(s, search);
  const terms = planTerms(search);
  $("kwic-term").value = term;
  $("kwic-choices").replaceChildren(
    ...(terms.length > 1
      ? [
          el("span", { class: "muted", text: "检索词：" }),
          ...terms.map((t) =>
            el("button", {
              type: "button",
              class: "chip-term" + (t === term ? " active" : ""),
              "aria-pressed": t === term ? "true" : "false",
              text: t,
              on: { click: () => go({ ...state.current, view: "kwic", term: t === terms[0] ? "" : t }) },
            }),
          ),
        ]
      : []),
  );
  const table = $("kwic-table");
  for (const th of table.querySelectorAll("th[data-sort]")) {
    const key = th.dataset.sort;
    const active = key === (res ? res.sort : s.sort);
    th.setAttribute("aria-sort", active ? "ascending" : "none");
    th.classList.toggle("sorted", active);
    th.replaceChildren(
      el(
        "button",
        {
          type: "button",
          class: "sort",
          title: key === "left" ? "按匹配词前面的文字排序（从近到远）" : `按${KWIC_HEAD[key]}排序`,
          on: { click: () => go({ ...state.current, view: "kwic", sort: key }) },
        },
        KWIC_HEAD[key],
        el("span", { class: "sort-mark", "aria-hidden": "true", text: active ? "▲" : "↕" }),
      ),
    );
  }
  const body = table.querySelector("tbody");
  const note = $("kwic-note");
  if (!res) {
    note.textContent = hasFilters(s)
      ? "输入一个词或短语，查看它在符合当前筛选的报告中出现的每一处上下文。"
      : "输入一个词或短语，查看它在所有报告中出现的每一处上下文。";
    note.dataset.total = "";
    body.replaceChildren();
    $("kwic-wrap").hidden = true;
    $("kwic-csv").hidden = true;
    return;
  }
  $("kwic-csv").hidden = !res.total;
  $("kwic-csv").href = "/api/kwic?" + kwicParams(term, search, { sort: res.sort, limit: 20000, format: "csv" });
  const extra = terms.length > 1 || terms[0] !== term;
  note.replaceChildren(
    `「${res.match}」共出现 `,
    el("strong", { text: number(res.total) }),
    ` 处，在 ${number(res.reports)} 份报告的 ${number(res.passages)} 个段落中`,
    res.occurrences.length < res.total ? `；只列出前 ${number(res.occurrences.length)} 处，CSV 含全部` : "",
    "。",
    extra ? el("span", { class: "muted", text: " 语境只查一个词或短语，检索式中的其他条件不参与。" }) : "",
  );
  note.dataset.total = String(res.total);
  $("kwic-wrap").hidden = !res.occurrences.length;
  $("kwic-term-col").style.width = `${Math.min(12, Math.max(2, [...res.match].length)) + 1.6}em`;
  body.replaceChildren(
    ...res.occurrences.map((o) =>
      el(
        "tr",
        {
          data: { year: o.year === null ? "" : String(o.year), agency: o.agency || "", passageId: o.passage_id },
          title: `${bookTitle(o.title)}${o.heading ? " · " + o.heading : ""}`,
        },
        el("td", { class: "left" }, el("div", { class: "ctx" }, el("span", { text: o.left }))),
        el(
          "td",
          { class: "term" },
          el("a", { href: reportHref(o.report_id, o.passage_id, res.match), title: "在报告中查看这一段" }, el("mark", { text: o.match })),
        ),
        el("td", { class: "right" }, el("div", { class: "ctx", text: o.right })),
        el("td", { class: "agency", text: agencyText(o.agency) }),
        el("td", { class: "num", text: o.year === null ? LABELS.no_year_short : String(o.year) }),
      ),
    ),
  );
}
