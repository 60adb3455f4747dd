/* 重复度 (the reuse view): every report against its agency's previous one, the share of its
 * sentence text repeated word for word and the share the same but for figures, ranked; and
 * the other agency whose report it shares most text with. Each row links to its 年度对比. */
import { agencyText, bookTitle, el, number, pct, reportHref, yearText } from "../dom.js";

export const SORT_LABEL = {
  reuse: "重复总比例",
  verbatim: "逐字重复",
  same_but_figures: "仅数字不同",
  other: "与其他机构相同",
  year: "年份",
};

/* A bar segment `w` (0..1) wide: the width set through CSSOM (the page's CSP has no inline styles). */
function seg(kind, w) {
  const node = el("span", { class: "seg s-" + kind });
  node.style.width = `${(w * 100).toFixed(2)}%`;
  return node;
}

export function diffHref(oldId, newId) {
  return "/diff?" + new URLSearchParams({ old: oldId, new: newId });
}

function bar(r) {
  const b = el("span", { class: "reuse-bar small", "aria-hidden": "true" });
  if (r.reuse) {
    b.appendChild(seg("verbatim", r.reuse.verbatim));
    b.appendChild(seg("same_but_figures", r.reuse.same_but_figures));
  }
  return b;
}

function row(r) {
  const o = r.other_agency;
  return el(
    "tr",
    { data: { reportId: r.report_id } },
    el("td", { class: "num rank", text: String(r.rank) }),
    el(
      "td",
      { class: "who" },
      el("a", { href: reportHref(r.report_id), text: `${agencyText(r.agency)} · ${yearText(r.year)}` }),
      el("span", { class: "muted title", text: bookTitle(r.title) }),
    ),
    el("td", { class: "prev", "data-label": "上一份", text: r.previous_report_id ? yearText(r.previous_year) : "—" }),
    el("td", { class: "num share", "data-label": "逐字重复", text: r.reuse ? pct(r.reuse.verbatim, 1) : "—" }),
    el("td", { class: "num share", "data-label": "仅数字不同", text: r.reuse ? pct(r.reuse.same_but_figures, 1) : "—" }),
    el("td", { class: "barcell" }, bar(r)),
    el(
      "td",
      { class: "other", "data-label": "其他机构" },
      o
        ? el("span", null, el("strong", { text: pct(o.share, 1) }), " ", el("a", { href: reportHref(o.report_id), text: `${agencyText(o.agency)} · ${yearText(o.year)}` }))
        : "—",
    ),
    el("td", { class: "act" }, r.previous_report_id ? el("a", { class: "diff-link", href: diffHref(r.previous_report_id, r.report_id), text: "对比" }) : null),
  );
}

export function renderReuse(box, res, s, go) {
  const form = el(
    "form",
    { class: "reuse-form", role: "search" },
    el("label", null, "检索词 ", el("input", { type: "text", name: "q", value: s.q, maxlength: "500", placeholder: "可选" })),
    el("label", null, "机构 ", el("input", { type: "text", name: "agency", value: s.agency, maxlength: "200", placeholder: "如：平潭" })),
    el("label", null, "年份 ", el("input", { type: "text", name: "year", value: s.year, maxlength: "20", placeholder: "2015 或 2010-2015", size: "12" })),
    el(
      "label",
      null,
      "排序 ",
      el("select", { name: "sort" }, ...Object.entries(SORT_LABEL).map(([k, v]) => el("option", { value: k, selected: k === s.sort, text: v }))),
    ),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "all", checked: s.all }), " 含没有上一份的报告"),
    el("button", { type: "submit", text: "查看" }),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const d = new FormData(form);
    go({ q: d.get("q").trim(), agency: d.get("agency").trim(), year: d.get("year").trim(), sort: d.get("sort"), all: d.get("all") === "on" });
  });
  const rows = res ? res.rows : [];
  box.replaceChildren(
    el("h1", { class: "tool-title", text: "年报重复度" }),
    el("p", {
      class: "view-note",
      text:
        "每份报告与同一机构上一份报告相比：句子中逐字相同的比例、仅数字不同的比例（按字数计）；" +
        "以及与之相同文字最多的其他机构报告。点“对比”逐段查看。",
    }),
    form,
    res
      ? el("p", { class: "summary", id: "reuse-summary", text: `${number(res.reports)} 份报告中，${number(res.pairs)} 份有同一机构更早的报告。` })
      : null,
    rows.length
      ? el(
          "div",
          { class: "table-wrap" },
          el(
            "table",
            { class: "data-table reuse-table" },
            el(
              "thead",
              null,
              el(
                "tr",
                null,
                el("th", { scope: "col", class: "num", text: "#" }),
                el("th", { scope: "col", text: "报告" }),
                el("th", { scope: "col", text: "上一份" }),
                el("th", { scope: "col", class: "num", text: "逐字重复" }),
                el("th", { scope: "col", class: "num", text: "仅数字不同" }),
                el("th", { scope: "col", text: "" }),
                el("th", { scope: "col", text: "与其他机构相同最多" }),
                el("th", { scope: "col", text: "" }),
              ),
            ),
            el("tbody", null, ...rows.map(row)),
          ),
        )
      : res
        ? el("p", { class: "empty-note", text: "没有符合条件的报告。" })
        : null,
  );
}
