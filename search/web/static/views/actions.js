/* The actions under a passage (a hit, a compare card): cite (copy the one-line citation),
 * similar (open the similar passages), and open in the report view. */
import { fetchJSON } from "../api.js";
import { el, reportHref } from "../dom.js";
import { NEAR_COPY, renderSimilar } from "./similar.js";

async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (_) {
    /* fall through to the old way */
  }
  const ta = el("textarea", { class: "copy-buffer", readonly: true, "aria-hidden": "true" });
  ta.value = text;
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch (_) {
    ok = false;
  }
  ta.remove();
  return ok;
}

async function citationOf(h) {
  if (h.citation) return h.citation;
  const res = await fetchJSON("/api/cite/" + encodeURIComponent(h.passage_id));
  h.citation = res.citation;
  return res.citation;
}

/* The actions row under a passage, and the panels it opens: [row, cite box, similar box]. */
export function passageActions(h, q) {
  const citeBox = el("div", { class: "cite-box", hidden: true });
  const simBox = el("div", { class: "similar", hidden: true });
  const cite = el("button", { type: "button", class: "act act-cite", title: "复制这一段的一行引用" }, "引用");
  const sim = el(
    "button",
    { type: "button", class: "act act-similar", "aria-expanded": "false", title: "其他报告中说法几乎相同的段落" },
    "相似段落",
  );
  cite.addEventListener("click", async () => {
    cite.disabled = true;
    try {
      const text = await citationOf(h);
      const ok = await copyText(text);
      citeBox.replaceChildren(
        el("span", { class: "cite-status" + (ok ? " ok" : ""), text: ok ? "已复制引用" : "请选中后复制" }),
        el("span", { class: "cite-text", text }),
      );
      citeBox.hidden = false;
      cite.classList.toggle("done", ok);
      cite.textContent = ok ? "已复制" : "引用";
      if (ok) setTimeout(() => ((cite.textContent = "引用"), cite.classList.remove("done")), 2000);
    } catch (err) {
      citeBox.replaceChildren(el("span", { class: "cite-status error", text: "无法取得引用：" + err.message }));
      citeBox.hidden = false;
    } finally {
      cite.disabled = false;
    }
  });
  const nearOnly = el("input", { type: "checkbox", class: "near-only" });
  const simBody = el("div", { class: "similar-body" });
  simBox.append(
    el(
      "label",
      { class: "near-toggle", title: "只列出与本段措辞相同 60% 以上的段落：照抄的套话" },
      nearOnly,
      "只看近似抄录（≥ 60% 措辞相同）",
    ),
    simBody,
  );
  let asked = 0;
  const loadSimilar = async () => {
    const my = ++asked;
    simBox.dataset.count = "";
    simBody.replaceChildren(el("p", { class: "similar-note muted", text: "正在查找相似段落…" }));
    const min = nearOnly.checked ? `&min_similarity=${NEAR_COPY}` : "";
    try {
      const res = await fetchJSON(`/api/similar/${encodeURIComponent(h.passage_id)}?limit=5${min}`);
      if (my !== asked) return;
      renderSimilar(simBox, simBody, res, q, nearOnly.checked);
    } catch (err) {
      if (my !== asked) return;
      simBody.replaceChildren(el("p", { class: "similar-note error-text", text: "无法查找相似段落：" + err.message }));
    }
  };
  nearOnly.addEventListener("change", loadSimilar);
  sim.addEventListener("click", () => {
    const open = sim.getAttribute("aria-expanded") === "true";
    sim.setAttribute("aria-expanded", open ? "false" : "true");
    sim.classList.toggle("active", !open);
    simBox.hidden = open;
    if (!open && !asked) loadSimilar();
  });
  const row = el(
    "div",
    { class: "actions" },
    cite,
    sim,
    el("a", { class: "act act-open", href: reportHref(h.report_id, h.passage_id, q), text: "在报告中查看" }),
  );
  return [row, citeBox, simBox];
}
