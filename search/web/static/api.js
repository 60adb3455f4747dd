/* The page's calls to the JSON API. Errors carry the API's one-line message. */
import { FIELDS } from "./state.js";

export async function fetchJSON(url, signal) {
  const res = await fetch(url, { signal, headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await res.json();
  } catch (_) {
    body = null;
  }
  if (!res.ok) {
    const msg = body && typeof body.error === "string" ? body.error : `服务器返回 ${res.status}`;
    throw Object.assign(new Error(msg), { status: res.status });
  }
  return body;
}

/* The API parameters shared by every view: the query and the sidebar filters. */
export function apiParams(s, extra) {
  const p = new URLSearchParams({ q: s.q });
  for (const f of FIELDS) if (s[f]) p.set(f, s[f]);
  for (const [k, v] of Object.entries(extra || {})) p.set(k, String(v));
  return p;
}

/* A filter of the search's plan as KWIC's term takes it: `year:2015`, `agency:"…"`. */
const filterText = ({ field, value }) => `${field}:${/[\s()（）]/.test(value) ? `"${value}"` : value}`;

/* KWIC's parameters: one word, narrowed by every filter of the search's plan (the query's
 * own and the sidebar's: the server read them, the page does not parse the query). */
export function kwicParams(term, search, extra) {
  const p = new URLSearchParams({ term: [term, ...(search.filters || []).map(filterText)].join(" ") });
  for (const [k, v] of Object.entries(extra || {})) p.set(k, String(v));
  return p;
}

export const getSearch = (s, extra, signal) => fetchJSON("/api/search?" + apiParams(s, extra), signal);
