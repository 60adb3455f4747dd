/* The empty state: a search with no matching passage says what was searched and what to try
 * next: drop a filter, search fewer words or one of them alone, loosen a phrase, the syntax,
 * and a few example queries. Every suggestion is a button that runs it. */
import { el } from "../dom.js";
import { $, FIELDS, go, hasFilters, state } from "../state.js";
import { FIELD_LABEL } from "./facets.js";

export const EXAMPLES = ["依申请公开", '"行政复议"', "收费 OR 减免", "存在问题 培训", "year:2010-2015 网站"];

const run = (next) => () => go({ ...state.current, ...next, offset: 0, term: "" }, { scroll: true });
const button = (text, next, title) =>
  el("button", { type: "button", class: "suggestion", text, title, on: { click: run(next) } });

function suggestions(s, res) {
  const out = [];
  const filters = FIELDS.filter((f) => s[f]);
  if (filters.length) {
    out.push(
      el(
        "li",
        { data: { tip: "filters" } },
        "去掉筛选条件：",
        ...filters.map((f) => button(`不限${FIELD_LABEL[f]}（现为 ${s[f]}）`, { [f]: "" })),
        filters.length > 1 ? button("去掉全部筛选", Object.fromEntries(FIELDS.map((f) => [f, ""]))) : null,
      ),
    );
  }
  const terms = (res && res.terms) || [];
  if (terms.length > 1) {
    out.push(
      el(
        "li",
        { data: { tip: "fewer" } },
        "少用几个词，每个词都要出现在同一段里；只检索其中一个：",
        ...terms.slice(0, 6).map((t) => button(t, { q: t })),
        "，或任一个：",
        button(terms.join(" OR "), { q: terms.join(" OR ") }, "任一个词出现即可"),
      ),
    );
  }
  if (/["“”]/.test(s.q)) {
    const loose = s.q.replace(/["“”]/g, " ").replace(/\s+/g, " ").trim();
    if (loose) {
      out.push(
        el("li", { data: { tip: "phrase" } }, "短语要一字不差地出现；去掉引号，或换一个更短的短语：", button(loose, { q: loose })),
      );
    }
  }
  out.push(
    el(
      "li",
      { data: { tip: "syntax" } },
      "检索语法：",
      el("code", { text: "行政复议 诉讼" }),
      " 全部包含 · ",
      el("code", { text: '"依申请公开"' }),
      " 精确短语 · ",
      el("code", { text: "收费 OR 减免" }),
      " 任一 · ",
      el("code", { text: "-平房区" }),
      " 排除 · ",
      el("code", { text: "year:2010-2015" }),
      " 年份。繁体、简体写法都能检索到同一段落。",
    ),
  );
  out.push(
    el(
      "li",
      { data: { tip: "examples" } },
      "试试这些检索：",
      ...EXAMPLES.map((q) => button(q, Object.assign({ q }, Object.fromEntries(FIELDS.map((f) => [f, ""]))))),
    ),
  );
  return out;
}

/* Fill #empty for `s` with no hits (or hide it when `res` has some). */
export function renderEmpty(s, res) {
  const box = $("empty");
  if (!res || res.total) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const what = [];
  if (s.q) what.push("「", el("span", { class: "q", text: s.q }), "」");
  const filters = FIELDS.filter((f) => s[f]).map((f) => `${FIELD_LABEL[f]}：${s[f]}`);
  if (filters.length) what.push(s.q ? `（${filters.join("，")}）` : `筛选条件（${filters.join("，")}）`);
  box.replaceChildren(
    el("h2", { class: "empty-title" }, "没有找到匹配", ...what, "的段落"),
    el("ul", { class: "empty-tips" }, ...suggestions(s, res)),
  );
  box.hidden = !s.q && !hasFilters(s);
}
