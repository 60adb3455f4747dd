/* The page's calls to the JSON API. An error carries the page's Chinese words for the API's
 * `code` (dom.js errorText), and the API's own English line as `detail`. */
import { UNREACHABLE, errorText } from "./dom.js";
import { FIELDS } from "./state.js";

export async function fetchJSON(url, signal) {
  let res;
  try {
    res = await fetch(url, { signal, headers: { Accept: "application/json" } });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw Object.assign(new Error(UNREACHABLE), { status: 0, detail: String(err) });
  }
  let body = null;
  try {
    body = await res.json();
  } catch (_) {
    body = null;
  }
  if (!res.ok) {
    const detail = body && typeof body.error === "string" ? body.error : `HTTP ${res.status}`;
    throw Object.assign(new Error(errorText(body, res.status)), {
      status: res.status,
      code: body && body.code,
      detail,
    });
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
  const p = new URLSearchParams({ q: [term, ...(search.filters || []).map(filterText)].join(" ") });
  for (const [k, v] of Object.entries(extra || {})) p.set(k, String(v));
  return p;
}

export const getSearch = (s, extra, signal) => fetchJSON("/api/search?" + apiParams(s, extra), signal);
