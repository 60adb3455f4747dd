/* The page's state is the URL (?q=&agency=&year=&section=&offset=, and for the journalist
 * views view=compare|trend|kwic|stats with by=, sort=, term=, metric=, rate=): every change pushes a history entry,
 * so result lists and views can be bookmarked and shared and back/forward work. `go` changes
 * it and asks the page (app.js, through `onChange`) to draw it. */
// the options' values come from the server (search/choices.py, through labels.js)
import { KWIC_SORTS, RATES } from "./labels.js";

export const FIELDS = ["year", "section", "agency"];
export const VIEWS = ["results", "compare", "trend", "kwic", "stats"];

export const state = { current: null, seq: 0 };
let draw = () => {};

export function onChange(fn) {
  draw = fn;
}

export function readState() {
  const p = new URLSearchParams(location.search);
  const s = { q: p.get("q") || "", offset: Math.max(0, parseInt(p.get("offset"), 10) || 0) };
  for (const f of FIELDS) s[f] = p.get(f) || "";
  s.view = VIEWS.includes(p.get("view")) ? p.get("view") : "results";
  s.by = p.get("by") === "year" ? "year" : "agency";
  s.sort = KWIC_SORTS.includes(p.get("sort")) ? p.get("sort") : "year";
  s.term = (p.get("term") || "").trim();
  s.metric = /^[a-z_.]{1,80}$/.test(p.get("metric") || "") ? p.get("metric") : "";
  s.rate = RATES.includes(p.get("rate")) ? p.get("rate") : "";
  if (s.view !== "results") s.offset = 0;
  return s;
}

/* Each view's own settings go into the URL only for that view, and only when not default. */
export function stateURL(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  for (const f of ["agency", "year", "section"]) if (s[f]) p.set(f, s[f]);
  const view = s.view || "results";
  if (view !== "results") p.set("view", view);
  if (view === "results" && s.offset) p.set("offset", String(s.offset));
  if (view === "compare" && s.by === "year") p.set("by", "year");
  if (view === "kwic" && s.term) p.set("term", s.term);
  if (view === "kwic" && s.sort && s.sort !== "year") p.set("sort", s.sort);
  if (view === "stats" && s.metric) p.set("metric", s.metric);
  if (view === "stats" && s.rate) p.set("rate", s.rate);
  const qs = p.toString();
  return "/" + (qs ? "?" + qs : "");
}

/* `scroll`: bring the top of the results into view (a facet, a chart bar, a page turn, a
 * suggestion clicked far down the page: the new results start at the top). */
export function go(next, { replace = false, scroll = false } = {}) {
  const url = stateURL(next);
  if (url !== location.pathname + location.search) {
    history[replace ? "replaceState" : "pushState"](null, "", url);
  }
  draw(next);
  if (scroll) toResults();
}

export function toResults() {
  const top = $("results").getBoundingClientRect().top;
  if (top < 0) window.scrollTo({ top: Math.max(0, window.scrollY + top - 12) });
}

export const hasFilters = (s) => FIELDS.some((f) => s[f]);
export const $ = (id) => document.getElementById(id);
