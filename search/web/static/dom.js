/* Safe DOM building, shared by the search page's modules and the widget (embed.js
 * imports it from a host page, by absolute URL). Values from the index are only ever inserted as text nodes; marks are built
 * from the API's `spans` (character ranges of the query's terms), never parsed out of HTML. */
import { ERRORS, LABELS } from "./labels.js";

export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k === "data") Object.assign(node.dataset, v);
    else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  for (const c of children) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return node;
}

/* `text` with its `spans` ([start, end) in characters, as Python counts them) marked. */
export function spanned(text, spans) {
  const chars = Array.from(String(text || ""));
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [start, end] of spans || []) {
    if (start < pos || end <= start) continue;
    if (start > pos) frag.appendChild(document.createTextNode(chars.slice(pos, start).join("")));
    frag.appendChild(el("mark", { text: chars.slice(start, end).join("") }));
    pos = end;
  }
  if (pos < chars.length) frag.appendChild(document.createTextNode(chars.slice(pos).join("")));
  return frag;
}

/* Split a marked fragment after `n` characters (marks cut in two if need be). */
export function splitAt(frag, n) {
  const head = document.createDocumentFragment();
  const tail = document.createDocumentFragment();
  let left = n;
  for (const node of Array.from(frag.childNodes)) {
    const text = node.textContent;
    if (left >= text.length) {
      head.appendChild(node);
      left -= text.length;
    } else if (left <= 0) {
      tail.appendChild(node);
    } else {
      const make = (t) => (node.nodeType === Node.TEXT_NODE ? document.createTextNode(t) : el("mark", { text: t }));
      head.appendChild(make(text.slice(0, left)));
      tail.appendChild(make(text.slice(left)));
      left = 0;
    }
  }
  return [head, tail];
}

/* The hit's heading, and its text without the heading line when the text starts with it. */
export function hitParts(h) {
  const frag = spanned(h.text, h.spans);
  const heading = (h.heading || "").trim();
  const text = h.text || "";
  if (!heading) return { heading: null, lead: null, body: frag };
  if (!text.startsWith(heading)) return { heading: document.createTextNode(heading), lead: null, body: frag };
  const [head, tail] = splitAt(frag, heading.length);
  const rest = text.slice(heading.length);
  if (rest.trim() === "" || rest.startsWith("\n")) {
    const first = tail.firstChild;
    if (first && first.nodeType === Node.TEXT_NODE) first.textContent = first.textContent.replace(/^\n/, "");
    return { heading: head, lead: null, body: rest.trim() ? tail : null };
  }
  return { heading: null, lead: head, body: tail }; // a run-in heading: （一）加强领导。正文…
}

/* The report view's URL, pointing at a passage and marking the query's terms. */
export function reportHref(reportId, passageId, q) {
  const p = new URLSearchParams();
  if (passageId) p.set("passage", passageId);
  if (q) p.set("q", q);
  const qs = p.toString();
  return (
    "/reports/" +
    encodeURIComponent(reportId) +
    (qs ? "?" + qs : "") +
    (passageId ? "#p-" + encodeURIComponent(passageId) : "")
  );
}

/* How a report's agency, year and title read (the labels for missing ones come from the server). */
export const agencyText = (agency) => agency || LABELS.no_agency;
export const yearText = (year) => (year ? `${year} 年` : LABELS.no_year);
export const titleText = (title) => title || LABELS.no_title;
export const bookTitle = (title) => (title ? `《${title}》` : LABELS.no_title);
export const number = (n) => Number(n).toLocaleString("zh-CN");
export const pct = (x, digits = 0) => `${(x * 100).toFixed(digits)}%`;

/* An API error in the page's words: the Chinese message of its `code` (labels.js, from
 * search/web/messages.py) with its `params` filled in; the status's own words when the body
 * names no code we know (a proxy's error page, say). The English `error` stays for programs. */
export function errorText(body, status) {
  const code = body && typeof body.code === "string" ? body.code : null;
  const template = (code && ERRORS[code]) || ERRORS[STATUS_CODE[status]] || ERRORS.bad_request;
  const params = (body && body.params) || {};
  return template.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
}
const STATUS_CODE = { 404: "not_found", 422: "invalid_request", 500: "internal", 502: "busy", 503: "busy", 504: "busy" };
export const UNREACHABLE = "无法连接检索服务，请检查网络或稍后再试。";
