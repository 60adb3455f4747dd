/* The gongkai widget (an ES module): `embed(script)` mounts it as the <script> tag that
 * loaded static/widget.js asks (its data-* attributes; see widget.js for them). It renders
 * inside a Shadow DOM, so the host page's CSS cannot reach it and its CSS cannot reach the
 * host page. Text from the index is only inserted as text; marks come from the API's spans. */
import { agencyText, el, errorText, reportHref, spanned, titleText } from "./dom.js";
import { LABELS } from "./labels.js";

const CSS = `
:host { all: initial; display: block; }
.gk-root {
all: initial; display: block; box-sizing: border-box;
font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
  "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
font-size: 15px; line-height: 1.7; color: #1c2128; text-align: left;
background: #fff; border: 1px solid #dfe3e8; border-top: 3px solid #a4262c;
border-radius: 8px; padding: 14px 16px 10px;
}
.gk-root *, .gk-root *::before, .gk-root *::after { box-sizing: border-box; }
.gk-title { display: flex; align-items: baseline; justify-content: space-between; gap: 8px;
margin: 0 0 8px; font-size: 13px; color: #6b7480; }
.gk-title strong { color: #a4262c; font-size: 14px; letter-spacing: 1px; }
.gk-form { display: flex; margin: 0 0 10px; }
.gk-input { flex: 1; min-width: 0; font: inherit; font-size: 15px; color: #1c2128;
padding: 7px 11px; margin: 0; border: 1px solid #c9cfd6; border-right: 0;
border-radius: 6px 0 0 6px; background: #fff; outline: none; }
.gk-input:focus { border-color: #a4262c; box-shadow: 0 0 0 3px rgba(164, 38, 44, .15); }
.gk-btn { font: inherit; font-size: 14px; font-weight: 600; letter-spacing: 1px; margin: 0;
padding: 0 16px; border: 0; border-radius: 0 6px 6px 0; background: #a4262c; color: #fff;
cursor: pointer; }
.gk-btn:hover { background: #8c1f24; }
.gk-status { display: block; margin: 0 0 6px; font-size: 13px; color: #6b7480; }
.gk-status strong { color: #1c2128; }
.gk-error { color: #8a2a1c; }
.gk-hits { display: block; list-style: none; margin: 0; padding: 0; }
.gk-hit { display: block; padding: 9px 0; margin: 0; border-top: 1px solid #eef0f3; }
.gk-hit:first-child { border-top: 0; }
.gk-meta { display: block; font-size: 12.5px; color: #6b7480; margin: 0; }
.gk-tag { display: inline-block; margin-left: 6px; padding: 0 6px; border-radius: 4px;
background: #eef2f7; color: #3d5675; font-size: 12px; }
.gk-link { display: block; margin: 1px 0 2px; font-size: 15.5px; font-weight: 600;
line-height: 1.45; color: #1f4f8f; text-decoration: none; }
.gk-link:hover { text-decoration: underline; color: #143a6b; }
.gk-text { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 4;
overflow: hidden; margin: 0; font-size: 14px; line-height: 1.8; color: #2a3038;
white-space: normal; overflow-wrap: anywhere; }
.gk-text mark { display: inline; background: #ffe58a; color: #1c2128; padding: 0 1px;
border-radius: 2px; font: inherit; }
.gk-foot { display: flex; align-items: center; justify-content: space-between; gap: 8px;
flex-wrap: wrap; margin-top: 8px; padding-top: 8px; border-top: 1px solid #eef0f3;
font-size: 13px; }
.gk-pages { display: flex; gap: 6px; align-items: center; color: #6b7480; }
.gk-page { font: inherit; font-size: 13px; padding: 2px 10px; margin: 0; border: 1px solid #d3d8de;
border-radius: 6px; background: #fff; color: #1c2128; cursor: pointer; }
.gk-page:disabled { opacity: .45; cursor: default; }
.gk-facets { display: block; margin: 0 0 8px; }
.gk-facet { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 6px; margin: 0 0 4px;
font-size: 13px; }
.gk-facet-label { flex: none; color: #6b7480; margin-right: 2px; }
.gk-chip { font: inherit; font-size: 12.5px; line-height: 1.5; margin: 0; padding: 0 8px;
max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
border: 1px solid #d3d8de; border-radius: 999px; background: #fafbfc; color: #1c2128;
cursor: pointer; }
.gk-chip:hover { border-color: #1f4f8f; }
.gk-chip[aria-pressed="true"] { background: #a4262c; border-color: #a4262c; color: #fff; }
.gk-chip-n { margin-left: 4px; color: #6b7480; }
.gk-chip[aria-pressed="true"] .gk-chip-n { color: #ffd7d9; }
.gk-more { color: #1f4f8f; text-decoration: none; }
.gk-more:hover { text-decoration: underline; }
[hidden] { display: none !important; }
`;

/* node(tag, "gk-…", text): the widget's nodes all carry one class. */
const node = (tag, cls, text) => el(tag, { class: cls, text: text === undefined || text === null ? null : String(text) });

/* Mount the widget for `script`, the tag that loaded widget.js: it calls the API at the origin
 * the tag names. */
export function embed(script) {
  const ORIGIN = new URL(script.src, location.href).origin;
  const opts = script.dataset;
  const SELECTOR = opts.target || "#gongkai";
  const LIMIT = Math.min(20, Math.max(1, parseInt(opts.limit, 10) || 5));
  const FIXED = {};
  for (const f of ["agency", "year", "section"]) if (opts[f]) FIXED[f] = opts[f];
  const FACET_LABEL = { year: "年份", agency: "机构", section: "章节" };
  const FACETS = (opts.facets || "")
    .split(/[\s,，]+/)
    .filter((f, i, all) => f in FACET_LABEL && !FIXED[f] && all.indexOf(f) === i);
  const CHIPS_SHOWN = 8; // per field, the most frequent (years: the latest)

  function mount(host) {
    if (host.dataset.gongkaiMounted) return;
    host.dataset.gongkaiMounted = "1";
    let root;
    try {
      root = host.attachShadow({ mode: "open" });
    } catch (_) {
      root = host; // no Shadow DOM: fall back to gk- prefixed classes
    }
    let styled = false;
    if (root !== host && "adoptedStyleSheets" in root) {
      try {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        styled = true;
      } catch (_) {
        styled = false;
      }
    }
    if (!styled) {
      root.appendChild(node("style", null, root === host ? CSS.replace(/:host\s*\{[^}]*\}/, "") : CSS));
    }

    const box = node("div", "gk-root");
    box.setAttribute("part", "root");
    const title = node("div", "gk-title");
    title.append(node("strong", null, "政府信息公开年报检索"));
    const form = node("form", "gk-form");
    form.setAttribute("role", "search");
    const input = node("input", "gk-input");
    input.type = "search";
    input.maxLength = 500;
    input.placeholder = "输入检索词，如：依申请公开";
    input.setAttribute("aria-label", "检索词");
    const button = node("button", "gk-btn", "检索");
    button.type = "submit";
    form.append(input, button);
    const facets = node("div", "gk-facets");
    facets.hidden = true;
    const status = node("div", "gk-status");
    status.setAttribute("aria-live", "polite");
    const hits = node("ol", "gk-hits");
    const foot = node("div", "gk-foot");
    foot.hidden = true;
    const pages = node("div", "gk-pages");
    const prev = node("button", "gk-page", "‹ 上一页");
    const next = node("button", "gk-page", "下一页 ›");
    prev.type = next.type = "button";
    const pageInfo = node("span", "gk-page-info");
    pages.append(prev, pageInfo, next);
    const more = node("a", "gk-more", "在完整检索页中查看 →");
    more.target = "_blank";
    more.rel = "noopener";
    foot.append(pages, more);
    box.append(title, form, facets, status, hits, foot);
    root.appendChild(box);

    let query = "";
    let offset = 0;
    let seq = 0;
    const chosen = {}; // the filters picked from the chips

    function params(extra) {
      const p = new URLSearchParams(extra);
      for (const [k, v] of Object.entries({ ...chosen, ...FIXED })) p.set(k, v);
      return p;
    }

    /* The chips of each field the host page asked for: the chosen value first, then the most
     * frequent (the latest years). Values with no year or agency cannot be picked. */
    function showFacets(res) {
      const rows = FACETS.map((f) => {
        let items = ((res.facets && res.facets[f]) || []).filter((d) => d.value !== null && d.value !== "");
        if (f === "year") items = [...items].sort((a, b) => Number(b.value) - Number(a.value));
        const shown = items.slice(0, CHIPS_SHOWN);
        if (chosen[f] && !shown.some((d) => String(d.value) === chosen[f])) shown.unshift({ value: chosen[f], count: 0 });
        if (!shown.length) return null;
        const row = node("div", "gk-facet");
        row.dataset.field = f;
        row.append(node("span", "gk-facet-label", FACET_LABEL[f]));
        for (const d of shown) {
          const value = String(d.value);
          const on = chosen[f] === value;
          const chip = node("button", "gk-chip", value);
          chip.type = "button";
          chip.dataset.value = value;
          chip.setAttribute("aria-pressed", on ? "true" : "false");
          chip.title = on ? `去掉${FACET_LABEL[f]}筛选` : `只看${value}`;
          if (d.count) chip.appendChild(node("span", "gk-chip-n", d.count));
          if (on) chip.appendChild(node("span", "gk-chip-n", "×"));
          chip.addEventListener("click", () => {
            if (on) delete chosen[f];
            else chosen[f] = value;
            offset = 0;
            run();
          });
          row.appendChild(chip);
        }
        return row;
      }).filter(Boolean);
      facets.replaceChildren(...rows);
      facets.hidden = !rows.length;
    }

    async function run() {
      const my = ++seq;
      if (!query && !Object.keys(FIXED).length && !Object.keys(chosen).length) {
        status.textContent = "";
        hits.replaceChildren();
        facets.hidden = true;
        foot.hidden = true;
        return;
      }
      status.className = "gk-status";
      status.textContent = "检索中…";
      const p = params({ q: query, limit: String(LIMIT), offset: String(offset) });
      let res;
      try {
        const r = await fetch(`${ORIGIN}/api/search?${p}`, {
          mode: "cors",
          credentials: "omit",
          headers: { Accept: "application/json" },
        });
        const body = await r.json().catch(() => null);
        if (!r.ok) throw Object.assign(new Error(errorText(body, r.status)), { code: body && body.code });
        res = body;
      } catch (err) {
        if (my !== seq) return;
        status.className = "gk-status gk-error";
        status.dataset.code = err.code || "";
        status.textContent =
          err instanceof TypeError
            ? "无法连接检索服务（本网站可能未获准调用该服务）。"
            : `无法检索：${err.message}`;
        hits.replaceChildren();
        foot.hidden = true;
        return;
      }
      if (my !== seq) return;
      show(res);
    }

    function show(res) {
      status.className = "gk-status";
      delete status.dataset.code;
      status.replaceChildren();
      showFacets(res);
      if (!res.total) {
        status.textContent = Object.keys(chosen).length
          ? "没有找到匹配的段落；可以去掉筛选再试。"
          : "没有找到匹配的段落；可以少用几个词，或换一个说法。";
      } else {
        const n = node("strong", null, res.total.toLocaleString("zh-CN"));
        const m = node("strong", null, res.reports.toLocaleString("zh-CN"));
        status.append("共 ", n, " 段，来自 ", m, " 份报告");
      }
      status.dataset.total = String(res.total);
      hits.replaceChildren(
        ...res.hits.map((h) => {
          const li = node("li", "gk-hit");
          li.dataset.year = h.year === null ? "" : String(h.year);
          const meta = node("div", "gk-meta", `${agencyText(h.agency)} · ${h.year || LABELS.no_year}`);
          if (h.section) meta.appendChild(node("span", "gk-tag", h.section));
          const link = node("a", "gk-link", titleText(h.title));
          const rp = new URLSearchParams({ passage: h.passage_id, q: query });
          link.href = `${ORIGIN}/reports/${encodeURIComponent(h.report_id)}?${rp}#p-${encodeURIComponent(h.passage_id)}`;
          link.target = "_blank";
          link.rel = "noopener";
          const text = node("p", "gk-text");
          text.appendChild(spanned(h.text, h.spans));
          li.append(meta, link, text);
          return li;
        }),
      );
      const page = Math.floor(res.offset / LIMIT) + 1;
      const pagesTotal = Math.max(1, Math.ceil(res.total / LIMIT));
      pageInfo.textContent = `${page} / ${pagesTotal}`;
      prev.disabled = res.offset <= 0;
      next.disabled = res.offset + LIMIT >= res.total;
      pages.hidden = pagesTotal <= 1;
      more.href = `${ORIGIN}/?${params(query ? { q: query } : {})}`;
      foot.hidden = !res.total;
    }

    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      query = input.value.trim();
      offset = 0;
      run();
    });
    prev.addEventListener("click", () => {
      offset = Math.max(0, offset - LIMIT);
      run();
    });
    next.addEventListener("click", () => {
      offset += LIMIT;
      run();
    });
    if (opts.query) {
      input.value = query = opts.query;
      run();
    }
  }

  function start() {
    let host = null;
    try {
      host = document.querySelector(SELECTOR);
    } catch (_) {
      host = null;
    }
    if (!host) {
      console.warn(`gongkai widget: no element matches data-target ${JSON.stringify(SELECTOR)}`);
      return;
    }
    mount(host);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
}
