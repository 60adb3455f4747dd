/* The 年度对比 (/diff) and 重复度 (/reuse) pages: read the URL, ask the API, draw the view. */
import { fetchJSON } from "./api.js";
import { el } from "./dom.js";
import { renderDiff } from "./views/diff.js";
import { SORT_LABEL, renderReuse } from "./views/reuse.js";

const box = document.getElementById("tool");

function showError(err) {
  box.replaceChildren(
    el("div", { class: "error", role: "alert", data: { code: err.code || "" }, title: err.detail || "" }, el("strong", { text: "无法显示：" }), err.message || String(err)),
  );
}

async function diffPage() {
  const p = new URLSearchParams(location.search);
  const q = new URLSearchParams({ new: p.get("new") || "" });
  if (p.get("old")) q.set("old", p.get("old"));
  document.body.classList.add("loading");
  try {
    const res = await fetchJSON("/api/diff?" + q);
    document.title = `年度对比：${res.new.agency || ""} ${res.old.year || ""}→${res.new.year || ""} · gongkai`;
    renderDiff(box, res);
  } catch (err) {
    showError(err);
  } finally {
    document.body.classList.remove("loading");
  }
}

function readReuse() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    agency: p.get("agency") || "",
    year: p.get("year") || "",
    sort: p.get("sort") in SORT_LABEL ? p.get("sort") : "reuse",
    all: p.get("all") === "1",
  };
}

async function reusePage(s) {
  const q = new URLSearchParams({ q: s.q, sort: s.sort, limit: "1000" });
  if (s.agency) q.set("agency", s.agency);
  if (s.year) q.set("year", s.year);
  if (s.all) q.set("all", "true");
  const go = (next) => {
    const u = new URLSearchParams();
    for (const k of ["q", "agency", "year"]) if (next[k]) u.set(k, next[k]);
    if (next.sort !== "reuse") u.set("sort", next.sort);
    if (next.all) u.set("all", "1");
    history.pushState(null, "", "/reuse" + (u.toString() ? "?" + u : ""));
    reusePage(next);
  };
  document.body.classList.add("loading");
  try {
    renderReuse(box, await fetchJSON("/api/reuse?" + q), s, go);
  } catch (err) {
    renderReuse(box, null, s, go);
    box.appendChild(el("div", { class: "error", role: "alert", data: { code: err.code || "" }, title: err.detail || "" }, el("strong", { text: "无法显示：" }), err.message || String(err)));
  } finally {
    document.body.classList.remove("loading");
  }
}

if (location.pathname === "/diff") diffPage();
else {
  window.addEventListener("popstate", () => reusePage(readReuse()));
  reusePage(readReuse());
}
