/* 年度对比 (the diff view): what a report (NEW) kept, changed and added against an earlier one
 * (OLD), passage by passage, the changed words marked from the API's segments, OLD's dropped
 * passages, and the standard tables' figures side by side. Everything from the index is
 * inserted as text. */
import { agencyText, bookTitle, el, number, pct, reportHref, yearText } from "../dom.js";

export const STATUS_LABEL = {
  verbatim: "逐字相同",
  same_but_figures: "仅数字不同",
  changed: "有改动",
  new: "新增",
};
const SENTENCE_LABEL = { verbatim: "逐字重复", same_but_figures: "仅数字不同", near: "近似（改动少量字词）", new: "新写" };

function side(label, r) {
  return el(
    "div",
    { class: "diff-side", data: { reportId: r.report_id } },
    el("span", { class: "diff-side-label", text: label }),
    el("a", { href: reportHref(r.report_id), text: bookTitle(r.title) }),
    el("span", { class: "muted", text: ` ${agencyText(r.agency)} · ${yearText(r.year)}` }),
  );
}

/* The share of NEW's sentence text by kind, as one bar with its legend. */
function shares(res) {
  const c = res.counts;
  const total = c.total_chars || 1;
  const kinds = ["verbatim", "same_but_figures", "near", "new"];
  const bar = el("div", { class: "reuse-bar", role: "img", "aria-label": "句子构成" });
  for (const k of kinds) {
    const w = (c.chars[k] || 0) / total;
    if (w > 0) bar.appendChild(seg(k, w));
  }
  const figures = {
    verbatim: res.reuse.verbatim,
    same_but_figures: res.reuse.same_but_figures,
    near: res.near,
    new: (c.chars.new || 0) / total,
  };
  return el(
    "section",
    { class: "diff-shares", "aria-label": "重复程度" },
    el(
      "p",
      { class: "diff-headline" },
      "本报告的句子中，",
      el("strong", { class: "share-verbatim", text: pct(res.reuse.verbatim, 1) }),
      " 与上一份报告逐字相同，另有 ",
      el("strong", { class: "share-figures", text: pct(res.reuse.same_but_figures, 1) }),
      " 仅数字不同。",
    ),
    bar,
    el(
      "ul",
      { class: "share-legend" },
      ...kinds.map((k) =>
        el(
          "li",
          { data: { kind: k } },
          el("span", { class: "key s-" + k }),
          `${SENTENCE_LABEL[k]} ${pct(figures[k], 1)}（${number(c.sentences[k] || 0)} 句）`,
        ),
      ),
    ),
    el("p", {
      class: "view-note",
      text:
        `按字数计：共 ${number(c.total_sentences)} 句、${number(c.total_chars)} 字（去掉标点后 8 字以上的句子）。` +
        "近似句另列，不计入前两项。",
    }),
  );
}

function segmentsText(segments, cls) {
  const p = el("p", { class: "diff-text" });
  for (const [kind, chunk] of segments || []) {
    p.appendChild(kind === "diff" ? el("mark", { class: cls, text: chunk }) : document.createTextNode(chunk));
  }
  return p;
}

function passageItem(p, old, newId) {
  const head = el(
    "div",
    { class: "diff-head" },
    el("span", { class: "badge b-" + p.status, text: STATUS_LABEL[p.status] }),
    el("span", { class: "muted", text: [p.section, p.heading].filter(Boolean).join(" · ") }),
    el("a", { class: "p-link", href: reportHref(newId, p.passage_id), text: "原文" }),
  );
  const body = p.status === "verbatim" ? el("p", { class: "diff-text", text: p.text }) : segmentsText(p.segments, "ins");
  let before = null;
  if (p.old_passage_id && p.status !== "verbatim") {
    before = el(
      "details",
      { class: "diff-old" },
      el("summary", { text: `上一份报告（${yearText(old.year)}）的对应段落` }),
      segmentsText(p.old_segments, "del"),
    );
  }
  return el("li", { class: "diff-item s-" + p.status, data: { status: p.status, passageId: p.passage_id } }, head, body, before);
}

function figureTable(res) {
  const moved = res.figures.filter((f) => f.old !== f.new);
  const fmt = (v) => (v === null || v === undefined ? "—" : number(v));
  const rowOf = (f) =>
    el(
      "tr",
      { class: f.old === f.new ? "same" : "moved", data: { metric: f.metric } },
      el("th", { scope: "row", text: f.label }),
      el("td", { class: "num", text: fmt(f.old) }),
      el("td", { class: "num", text: fmt(f.new) }),
      el("td", {
        class: "num change" + (f.change > 0 ? " up" : f.change < 0 ? " down" : ""),
        text: f.change === null ? "—" : (f.change > 0 ? "+" : "") + number(f.change),
      }),
    );
  const table = (rows) =>
    el(
      "div",
      { class: "table-wrap" },
      el(
        "table",
        { class: "data-table figures-table" },
        el(
          "thead",
          null,
          el(
            "tr",
            null,
            el("th", { scope: "col", text: "指标" }),
            el("th", { scope: "col", class: "num", text: yearText(res.old.year) }),
            el("th", { scope: "col", class: "num", text: yearText(res.new.year) }),
            el("th", { scope: "col", class: "num", text: "变化" }),
          ),
        ),
        el("tbody", null, ...rows.map(rowOf)),
      ),
    );
  if (!res.figures.length) {
    return el("p", { class: "view-note", text: "两份报告都没有可读的统计表数据。" });
  }
  return el(
    "div",
    null,
    el("p", { class: "view-note", text: `${moved.length} 项有变化，${res.figures.length - moved.length} 项不变。` }),
    table(moved),
    res.figures.length > moved.length
      ? el("details", { class: "figures-all" }, el("summary", { text: `全部 ${res.figures.length} 项` }), table(res.figures))
      : null,
  );
}

/* A bar segment `w` (0..1) wide: the width set through CSSOM (the page's CSP has no inline styles). */
function seg(kind, w) {
  const node = el("span", { class: "seg s-" + kind });
  node.style.width = `${(w * 100).toFixed(2)}%`;
  return node;
}

export function renderDiff(box, res) {
  const st = res.statuses;
  box.replaceChildren(
    el("h1", { class: "tool-title", text: "年度对比" }),
    el("div", { class: "diff-sides" }, side("本年", res.new), side("对比", res.old)),
    shares(res),
    el(
      "p",
      { class: "diff-counts" },
      `本报告 ${res.passages.length} 段：`,
      ...Object.keys(STATUS_LABEL).map((k) => el("span", { class: "badge b-" + k, text: `${STATUS_LABEL[k]} ${st[k] || 0}` })),
      `；删去上一份的 ${res.dropped.length} 段。`,
      el("span", { class: "muted" }, " ", el("mark", { class: "ins", text: "标色" }), " 为改动的文字。"),
    ),
    el("h2", { class: "tool-sub", text: "数据对比（标准表格）" }),
    figureTable(res),
    el("h2", { class: "tool-sub", text: "逐段对比" }),
    el("ol", { class: "diff-list" }, ...res.passages.map((p) => passageItem(p, res.old, res.new.report_id))),
    res.dropped.length
      ? el(
          "section",
          { class: "diff-dropped", "aria-label": "删去的段落" },
          el("h2", { class: "tool-sub", text: `上一份报告中删去的段落（${res.dropped.length}）` }),
          el(
            "ol",
            { class: "diff-list" },
            ...res.dropped.map((p) =>
              el(
                "li",
                { class: "diff-item s-dropped", data: { passageId: p.passage_id } },
                el("div", { class: "diff-head" }, el("span", { class: "badge b-dropped", text: "删去" }), el("span", { class: "muted", text: [p.section, p.heading].filter(Boolean).join(" · ") })),
                el("p", { class: "diff-text", text: p.text }),
              ),
            ),
          ),
        )
      : null,
  );
}
