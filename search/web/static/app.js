/* gongkai search page: native ES modules, no dependencies, no build step.
 *   state.js   the URL as the page's state, and `go` to change it
 *   api.js     the JSON API calls;  dom.js  safe DOM building (shared with the widget)
 *   views/     one module per view: results (+ facets, actions, similar), compare, trend,
 *              kwic, stats (the 数据 view), intro (the landing view)
 * This module draws a state: one search, then the chosen view's own request.
 * Safety: values from the index are only ever inserted as text (textContent / text nodes);
 * marks are built from the API's spans. No module parses a query: the search's plan (`terms`,
 * `filters`) comes from the server. */
import { fetchJSON, apiParams, getSearch } from "./api.js";
import { el } from "./dom.js";
import { $, FIELDS, VIEWS, go, hasFilters, onChange, readState, state } from "./state.js";
import { renderCompare } from "./views/compare.js";
import { renderEmpty } from "./views/empty.js";
import { showIntro } from "./views/intro.js";
import { fetchKwic, kwicDefault, renderKwic } from "./views/kwic.js";
import { PAGE, VIEW_LABEL, renderActiveFilters, renderTabs, showResults } from "./views/results.js";
import { fetchStats, renderChart, renderStats, statsChart } from "./views/stats.js";
import { drawTrend, renderTrend, trendState } from "./views/trend.js";

const form = $("search-form");
const input = $("q");
let inflight = null;
let lastSearch = null; // the search the current view was drawn from (its plan's terms)

/* The view's own request: compare and trend start beside the search; KWIC waits for the
 * search, whose plan names the words it can look up. */
function fetchView(s, signal, search) {
  if (s.view === "compare") return fetchJSON("/api/compare?" + apiParams(s, { by: s.by, limit: 0 }), signal);
  if (s.view === "trend") return fetchJSON("/api/trend?" + apiParams(s, { by: "year" }), signal);
  if (s.view === "kwic" && search) return fetchKwic(s, search, signal);
  if (s.view === "stats") return fetchStats(s, signal);
  return null;
}

function renderView(s, data, search) {
  if (s.view === "compare") renderCompare(s, data);
  else if (s.view === "trend") renderTrend(s, data, search);
  else if (s.view === "kwic") renderKwic(s, data, search);
  else if (s.view === "stats") {
    renderStats($("view-stats"), s, data, (change) => go({ ...state.current, ...change, offset: 0 }));
  }
}

/* No query and no filter (the 数据 view): no passages to count, every report's figures. */
function showEverything(s) {
  $("summary").replaceChildren("全部报告");
  $("summary").dataset.total = "";
  renderActiveFilters(s);
  for (const f of FIELDS) $("facet-" + f).hidden = true;
  $("chart-panel").hidden = true;
  $("export").hidden = true;
  $("hits").replaceChildren();
  $("pager").hidden = true;
}

async function render(s) {
  state.current = s;
  input.value = s.q;
  const viewName = s.view !== "results" ? ` · ${VIEW_LABEL[s.view]}` : "";
  document.title = s.q || hasFilters(s) ? `${s.q || "筛选"}${viewName} · gongkai` : "gongkai · 政府信息公开年报检索";
  const my = ++state.seq;
  if (inflight) inflight.abort();
  inflight = new AbortController();
  const signal = inflight.signal;
  $("error").hidden = true;
  // only the 数据 view opens without a query or filter: its figures are every report's
  const blank = !s.q.trim() && !hasFilters(s);
  if (blank && s.view !== "stats") {
    showPanels(null);
    showIntro(my, signal);
    return;
  }
  $("intro").hidden = true;
  showPanels(s);
  document.body.classList.add("loading");
  const results = s.view === "results";
  const searching = blank
    ? Promise.resolve(null)
    : getSearch(s, { limit: results ? PAGE : 0, offset: results ? s.offset : 0 }, signal);
  const early = fetchView(s, signal, null);
  if (early) early.catch(() => {}); // awaited below; never an unhandled rejection
  try {
    const res = await searching;
    if (my !== state.seq) return;
    lastSearch = res;
    if (res) showResults(s, res);
    else showEverything(s);
    const viewing = early || fetchView(s, signal, res);
    if (viewing) {
      try {
        const data = await viewing;
        if (my !== state.seq) return;
        renderView(s, data, res);
      } catch (err) {
        if (my !== state.seq || err.name === "AbortError") return;
        showViewError(s, err);
      }
    } else if (s.view === "kwic") {
      renderKwic(s, null, res); // no term yet: ask for one
    }
  } catch (err) {
    if (my !== state.seq || err.name === "AbortError") return;
    showError(s, err);
  } finally {
    if (my === state.seq) document.body.classList.remove("loading");
  }
}

function showError(s, err) {
  const box = $("error");
  box.replaceChildren(el("strong", { text: "无法检索：" }), err.message || String(err));
  box.dataset.code = err.code || "";
  box.title = err.detail || ""; // the API's English line, for whoever reports the fault
  box.hidden = false;
  $("hits").replaceChildren();
  renderEmpty(s, null);
  $("pager").hidden = true;
  $("summary").replaceChildren();
  $("summary").dataset.total = "";
  renderActiveFilters(s);
  for (const f of FIELDS) $("facet-" + f).hidden = true;
  $("chart-panel").hidden = true;
  $("export").hidden = true;
  for (const v of VIEWS) if (v !== "results") $("view-" + v).hidden = true;
}

/* A view that failed (say, a KWIC term with nothing searchable): the facets stay. */
function showViewError(s, err) {
  const box = $("error");
  box.replaceChildren(el("strong", { text: `无法显示${VIEW_LABEL[s.view]}：` }), err.message || String(err));
  box.dataset.code = err.code || "";
  box.title = err.detail || "";
  box.hidden = false;
  if (s.view !== "results") $("view-" + s.view).hidden = true;
}

/* Which panels show, and the view's controls, at once, before the data arrives. */
function showPanels(s) {
  const view = s ? s.view : null;
  $("views").hidden = !s;
  $("hits").hidden = view !== "results";
  if (view !== "results") $("pager").hidden = true;
  for (const v of VIEWS) if (v !== "results") $("view-" + v).hidden = view !== v;
  if (!s) return;
  renderTabs(s, null);
  for (const b of $("compare-by").querySelectorAll("button")) {
    const on = b.dataset.by === s.by;
    b.classList.toggle("active", on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
  }
  if (view === "kwic") $("kwic-term").value = s.term;
}

/* -- wiring ------------------------------------------------------------------------------- */
onChange(render);
form.addEventListener("submit", (ev) => {
  ev.preventDefault();
  go({ ...state.current, q: input.value.trim(), offset: 0, term: "" });
});
$("kwic-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const term = $("kwic-term").value.trim();
  const same = lastSearch && lastSearch.query === state.current.q && term === kwicDefault(lastSearch);
  go({ ...state.current, view: "kwic", term: same ? "" : term });
});
for (const b of $("compare-by").querySelectorAll("button")) {
  b.addEventListener("click", () => go({ ...state.current, view: "compare", by: b.dataset.by }));
}
let resizing = 0;
window.addEventListener("resize", () => {
  cancelAnimationFrame(resizing);
  resizing = requestAnimationFrame(() => {
    if (state.current.view === "trend" && trendState.last && !$("view-trend").hidden) {
      drawTrend(state.current, trendState.last);
    }
    if (state.current.view === "stats" && statsChart.res && !$("view-stats").hidden) {
      renderChart(statsChart.box, statsChart.res);
    }
  });
});
window.addEventListener("popstate", () => render(readState()));
document.addEventListener("keydown", (ev) => {
  if (ev.key === "/" && document.activeElement !== input && !ev.ctrlKey && !ev.metaKey) {
    const t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    ev.preventDefault();
    input.focus();
    input.select();
  }
});
render(readState());
