/* "相似段落" under a passage: the passages of other reports that say nearly the same, the
 * shared wording marked from the API's segments. */
import { agencyText, bookTitle, el, pct, reportHref, yearText } from "../dom.js";

export const NEAR_COPY = 0.6; // similarity from which a passage reads as a copy (as the CLI says)

export function renderSimilar(box, body, res, q, nearOnly) {
  const rows = res.results || [];
  box.dataset.count = String(rows.length);
  if (!rows.length) {
    body.replaceChildren(
      el("p", {
        class: "similar-note none",
        text: nearOnly
          ? "没有近似抄录：其他报告中没有与本段措辞相同 60% 以上的段落。"
          : "没有相似的段落：其他报告中没有说法相近的段落。",
      }),
    );
    return;
  }
  const best = rows[0].similarity;
  const legend = el("mark", { class: "same", text: "底色" });
  const note = el(
    "p",
    { class: "similar-note" },
    `其他报告中说法最接近的 ${rows.length} 段${nearOnly ? "（近似抄录）" : ""}，按相似度排序；`,
    legend,
    "为与本段相同的措辞。",
    best < NEAR_COPY
      ? el("span", {
          class: "muted",
          text: ` 都不是近似抄录：最接近的一段只有 ${pct(best)} 的措辞相同（近似抄录在 60% 以上）。`,
        })
      : null,
  );
  body.replaceChildren(
    note,
    el(
      "ol",
      { class: "similar-list" },
      ...rows.map((r) => {
        const text = el("p", { class: "sim-text" });
        for (const [kind, chunk] of r.segments || []) {
          text.appendChild(kind === "same" ? el("mark", { class: "same", text: chunk }) : document.createTextNode(chunk));
        }
        const long = (r.text || "").length > 220;
        if (long) text.classList.add("clamped");
        const more = long
          ? el("button", {
              type: "button",
              class: "more",
              text: "展开全文",
              on: {
                click: (ev) => {
                  const clamped = text.classList.toggle("clamped");
                  ev.currentTarget.textContent = clamped ? "展开全文" : "收起";
                },
              },
            })
          : null;
        return el(
          "li",
          { class: "sim-item", data: { passageId: r.passage_id, similarity: String(r.similarity) } },
          el(
            "div",
            { class: "sim-head" },
            el("span", {
              class: "sim-score" + (r.similarity >= NEAR_COPY ? " near" : ""),
              title: `两段共有 ${r.shared_chars} 个相同的字`,
              text: `${pct(r.similarity)} 相同`,
            }),
            el("span", { class: "hit-agency", text: agencyText(r.agency) }),
            el("span", { class: "dot", text: "·" }),
            el("span", { text: yearText(r.year) }),
            el("a", { href: reportHref(r.report_id, r.passage_id, q), text: bookTitle(r.title) }),
          ),
          text,
          more,
        );
      }),
    ),
  );
}
