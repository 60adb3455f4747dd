/* gongkai search page. No dependencies, no build step.
 * The URL is the state (?q=&agency=&year=&section=&offset=): every change pushes a history
 * entry, so result lists can be bookmarked and shared and back/forward work.
 * Safety: values from the index are only ever inserted as text (textContent / text nodes);
 * the API's `highlight` is rebuilt node by node, keeping exactly the engine's <mark> tags. */
(() => {
  "use strict";

  const PAGE = 10;
  const FIELDS = ["year", "section", "agency"];
  const LABEL = { agency: "机构", year: "年份", section: "章节" };
  const AGENCIES_SHOWN = 8;
  const NARROW = window.matchMedia("(max-width: 860px)");
  const EXAMPLES = ["依申请公开", '"行政复议"', "收费 OR 减免", "存在问题 培训", "year:2010-2015 网站"];

  const $ = (id) => document.getElementById(id);
  const form = $("search-form");
  const input = $("q");

  /* -- safe DOM building ---------------------------------------------------------------- */
  function el(tag, props, ...children) {
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

  const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
  function decodeEntities(s) {
    return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]+);/g, (m, name) => {
      if (name[0] === "#") {
        const cp = name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, name) ? ENTITIES[name] : m;
    });
  }

  /* The engine's highlight is escaped text plus <mark>…</mark>. Split on exactly those two
   * tags and create text nodes for everything else: any other "<" stays visible text. */
  function highlighted(html) {
    const frag = document.createDocumentFragment();
    let open = null;
    for (const part of String(html || "").split(/(<mark>|<\/mark>)/)) {
      if (part === "<mark>") {
        open = open || frag.appendChild(document.createElement("mark"));
      } else if (part === "</mark>") {
        open = null;
      } else if (part) {
        (open || frag).appendChild(document.createTextNode(decodeEntities(part)));
      }
    }
    return frag;
  }

  /* Split a highlighted fragment after `n` characters (marks cut in two if need be). */
  function splitAt(frag, n) {
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
        const make = (t) => {
          if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(t);
          const m = document.createElement("mark");
          m.textContent = t;
          return m;
        };
        head.appendChild(make(text.slice(0, left)));
        tail.appendChild(make(text.slice(left)));
        left = 0;
      }
    }
    return [head, tail];
  }

  /* The hit's heading, and its text without the heading line when the text starts with it. */
  function hitParts(h) {
    const frag = highlighted(h.highlight);
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

  /* -- URL state ------------------------------------------------------------------------ */
  function readState() {
    const p = new URLSearchParams(location.search);
    const s = { q: p.get("q") || "", offset: Math.max(0, parseInt(p.get("offset"), 10) || 0) };
    for (const f of FIELDS) s[f] = p.get(f) || "";
    return s;
  }

  function stateURL(s) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    for (const f of ["agency", "year", "section"]) if (s[f]) p.set(f, s[f]);
    if (s.offset) p.set("offset", String(s.offset));
    const qs = p.toString();
    return "/" + (qs ? "?" + qs : "");
  }

  function go(next, { replace = false } = {}) {
    const url = stateURL(next);
    if (url !== location.pathname + location.search) {
      history[replace ? "replaceState" : "pushState"](null, "", url);
    }
    render(next);
  }

  const hasFilters = (s) => FIELDS.some((f) => s[f]);
  let current = readState();

  /* -- rendering ------------------------------------------------------------------------ */
  let seq = 0;
  let inflight = null;

  async function fetchJSON(url, signal) {
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

  async function render(s) {
    current = s;
    input.value = s.q;
    document.title = s.q || hasFilters(s) ? `${s.q || "筛选"} · gongkai` : "gongkai · 政府信息公开年报检索";
    const my = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    $("error").hidden = true;
    if (!s.q.trim() && !hasFilters(s)) {
      showIntro(my, inflight.signal);
      return;
    }
    $("intro").hidden = true;
    document.body.classList.add("loading");
    const p = new URLSearchParams({ q: s.q, limit: String(PAGE), offset: String(s.offset) });
    for (const f of FIELDS) if (s[f]) p.set(f, s[f]);
    try {
      const res = await fetchJSON("/api/search?" + p.toString(), inflight.signal);
      if (my !== seq) return;
      showResults(s, res);
    } catch (err) {
      if (my !== seq || err.name === "AbortError") return;
      showError(s, err.message || String(err));
    } finally {
      if (my === seq) document.body.classList.remove("loading");
    }
  }

  function showError(s, message) {
    const box = $("error");
    box.replaceChildren(el("strong", { text: "无法检索：" }), message);
    box.hidden = false;
    $("hits").replaceChildren();
    $("pager").hidden = true;
    $("summary").replaceChildren();
    $("summary").dataset.total = "";
    renderActiveFilters(s);
    for (const f of FIELDS) $("facet-" + f).hidden = true;
    $("chart-panel").hidden = true;
  }

  function showResults(s, res) {
    const total = res.total;
    const summary = $("summary");
    summary.dataset.total = String(total);
    summary.dataset.reports = String(res.reports);
    const what = s.q ? ["「", el("span", { class: "q", text: s.q }), "」"] : ["当前筛选"];
    if (!total) {
      summary.replaceChildren(
        "没有找到匹配",
        ...what,
        "的段落",
        hasFilters(s) ? "；可以去掉一些筛选条件再试。" : "。",
      );
    } else {
      const first = res.offset + 1;
      const last = res.offset + res.hits.length;
      summary.replaceChildren(
        ...what,
        " 共 ",
        el("strong", { text: total.toLocaleString("zh-CN") }),
        " 段，来自 ",
        el("strong", { text: res.reports.toLocaleString("zh-CN") }),
        " 份报告",
        res.hits.length ? el("span", { class: "muted", text: ` · 第 ${first}–${last} 段` }) : "",
      );
    }
    renderActiveFilters(s);
    renderFacets(s, res.facets);
    renderChart(s, res.facets.year);
    renderHits(s, res);
    renderPager(s, res);
  }

  function renderActiveFilters(s) {
    const box = $("active-filters");
    box.replaceChildren(
      ...FIELDS.filter((f) => s[f]).map((f) =>
        el(
          "button",
          {
            type: "button",
            class: "chip",
            title: `去掉${LABEL[f]}筛选`,
            data: { field: f },
            on: { click: () => go({ ...s, [f]: "", offset: 0 }) },
          },
          el("span", { class: "chip-label", text: LABEL[f] }),
          el("span", { class: "chip-value", text: s[f] }),
          el("span", { class: "chip-x", "aria-hidden": "true", text: "×" }),
        ),
      ),
    );
  }

  function facetValueLabel(field, value) {
    if (value === null || value === "") return field === "year" ? "年份不详" : "（未注明）";
    return String(value);
  }

  function renderFacets(s, facets) {
    for (const f of FIELDS) {
      const panel = $("facet-" + f);
      const items = (facets && facets[f]) || [];
      panel.hidden = !items.length;
      const list = panel.querySelector(".facet-list");
      const more = panel.querySelector(".more");
      const expanded = panel.dataset.expanded === "1" || NARROW.matches; // narrow: a scrolling row
      const shown = f === "agency" && !expanded ? items.slice(0, AGENCIES_SHOWN) : items;
      list.replaceChildren(
        ...shown.map((item) => {
          const value = item.value === null ? "" : String(item.value);
          const active = value !== "" && s[f] === value;
          const label = facetValueLabel(f, item.value);
          if (value === "") {
            return el(
              "li",
              {},
              el(
                "span",
                { class: "facet-item disabled", title: "无法按此项筛选" },
                el("span", { class: "facet-label", text: label }),
                el("span", { class: "facet-count", text: item.count }),
              ),
            );
          }
          return el(
            "li",
            {},
            el(
              "button",
              {
                type: "button",
                class: "facet-item" + (active ? " active" : ""),
                "aria-pressed": active ? "true" : "false",
                title: active ? `去掉${LABEL[f]}筛选` : `只看${label}`,
                data: { field: f, value },
                on: { click: () => go({ ...s, [f]: active ? "" : value, offset: 0 }) },
              },
              el("span", { class: "facet-label", text: label }),
              el("span", { class: "facet-count", text: item.count }),
              active ? el("span", { class: "facet-x", "aria-hidden": "true", text: "×" }) : null,
            ),
          );
        }),
      );
      if (more) {
        more.hidden = items.length <= AGENCIES_SHOWN;
        more.textContent = expanded ? "收起" : `显示全部 ${items.length} 个机构`;
        more.onclick = () => {
          panel.dataset.expanded = expanded ? "" : "1";
          renderFacets(s, facets);
        };
      }
    }
  }

  const SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    for (const c of children) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    return node;
  }

  /* Reports per year, drawn from the year facet; gaps between years are shown as empty. */
  function renderChart(s, yearFacet, title = "各年份命中报告数") {
    const panel = $("chart-panel");
    $("chart-title").textContent = title;
    const known = (yearFacet || []).filter((d) => d.value !== null);
    if (!known.length) {
      panel.hidden = true;
      return;
    }
    const counts = new Map(known.map((d) => [Number(d.value), d.count]));
    const years = [...counts.keys()].sort((a, b) => a - b);
    let series = years;
    if (years[years.length - 1] - years[0] <= 40) {
      series = [];
      for (let y = years[0]; y <= years[years.length - 1]; y++) series.push(y);
    }
    const W = 260;
    const H = 120;
    const top = 16;
    const bottom = 20;
    const max = Math.max(...counts.values());
    const slot = W / series.length;
    const bar = Math.max(2, Math.min(28, slot * 0.72));
    const labelEvery = Math.ceil(28 / slot);
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
    root.appendChild(svg("line", { x1: 0, x2: W, y1: H - bottom + 0.5, y2: H - bottom + 0.5, class: "axis" }));
    series.forEach((y, i) => {
      const n = counts.get(y) || 0;
      const h = n ? Math.max(2, ((H - top - bottom) * n) / max) : 0;
      const x = i * slot + (slot - bar) / 2;
      const g = svg("g", {
        class: "bar" + (String(y) === s.year ? " active" : "") + (n ? "" : " empty"),
        "data-year": y,
      });
      g.appendChild(svg("title", {}, `${y} 年：${n} 份报告`));
      g.appendChild(svg("rect", { x: i * slot, y: 0, width: slot, height: H, class: "hit-area" }));
      if (n) {
        g.appendChild(svg("rect", { x, y: H - bottom - h, width: bar, height: h, rx: 1.5 }));
        if (slot >= 14) {
          g.appendChild(svg("text", { x: x + bar / 2, y: H - bottom - h - 4, class: "count" }, String(n)));
        }
        g.addEventListener("click", () =>
          go({ ...s, year: String(y) === s.year ? "" : String(y), offset: 0 }),
        );
      }
      if (i % labelEvery === 0) {
        g.appendChild(svg("text", { x: i * slot + slot / 2, y: H - 5, class: "year" }, String(y)));
      }
      root.appendChild(g);
    });
    $("year-chart").replaceChildren(root);
    panel.hidden = false;
  }

  function reportHref(reportId, passageId, q) {
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

  function renderHits(s, res) {
    const list = $("hits");
    list.start = res.offset + 1;
    list.replaceChildren(
      ...res.hits.map((h, i) => {
        const parts = hitParts(h);
        const meta = el(
          "div",
          { class: "hit-meta" },
          el("span", { class: "hit-agency", text: h.agency || "（未注明机构）" }),
          el("span", { class: "dot", text: "·" }),
          el("span", { class: "hit-year", text: h.year ? `${h.year} 年` : "年份不详" }),
          h.section ? el("span", { class: "tag hit-section", text: h.section }) : null,
        );
        return el(
          "li",
          {
            class: "hit",
            data: {
              year: h.year === null ? "" : String(h.year),
              section: h.section || "",
              agency: h.agency || "",
              reportId: h.report_id,
              passageId: h.passage_id,
            },
          },
          el("span", { class: "rank", "aria-hidden": "true", text: res.offset + i + 1 }),
          el(
            "div",
            { class: "hit-body" },
            meta,
            el(
              "h3",
              { class: "hit-title" },
              el("a", { href: reportHref(h.report_id, h.passage_id, s.q), text: h.title || "（无标题）" }),
            ),
            parts.heading ? el("div", { class: "hit-heading" }, parts.heading) : null,
            parts.body || parts.lead
              ? el("p", { class: "hit-text" }, parts.lead ? el("strong", { class: "run-in" }, parts.lead) : null, parts.body)
              : null,
          ),
        );
      }),
    );
  }

  function renderPager(s, res) {
    const pager = $("pager");
    const pages = Math.ceil(res.total / PAGE);
    pager.hidden = res.total <= PAGE && res.offset === 0;
    const page = Math.floor(res.offset / PAGE) + 1;
    $("page-info").textContent = `第 ${page} / ${Math.max(pages, 1)} 页`;
    const prev = $("prev");
    const next = $("next");
    prev.disabled = res.offset <= 0;
    next.disabled = res.offset + PAGE >= res.total;
    prev.onclick = () => turn({ ...s, offset: Math.max(0, res.offset - PAGE) });
    next.onclick = () => turn({ ...s, offset: res.offset + PAGE });
  }

  function turn(next) {
    go(next);
    window.scrollTo({ top: 0 });
  }

  /* -- the landing view: what is in the index ------------------------------------------- */
  let reportsCache = null;

  async function showIntro(my, signal) {
    $("hits").replaceChildren();
    $("pager").hidden = true;
    $("summary").replaceChildren();
    $("summary").dataset.total = "";
    $("active-filters").replaceChildren();
    $("intro").hidden = false;
    $("examples").replaceChildren(
      "试试：",
      ...EXAMPLES.map((q) =>
        el("button", { type: "button", class: "example", text: q, on: { click: () => go({ ...current, q, offset: 0 }) } }),
      ),
    );
    try {
      reportsCache = reportsCache || (await fetchJSON("/api/reports", signal)).reports;
    } catch (err) {
      if (my !== seq || err.name === "AbortError") return;
      $("intro-stats").textContent = "无法读取索引：" + (err.message || String(err));
      return;
    }
    if (my !== seq) return;
    const rows = reportsCache;
    const years = rows.map((r) => r.year).filter(Boolean);
    const agencies = new Set(rows.map((r) => r.agency).filter(Boolean));
    const passages = rows.reduce((n, r) => n + (r.passages || 0), 0);
    $("intro-stats").replaceChildren(
      "索引中共有 ",
      el("strong", { text: rows.length.toLocaleString("zh-CN") }),
      " 份报告、",
      el("strong", { text: passages.toLocaleString("zh-CN") }),
      " 个段落，来自 ",
      el("strong", { text: agencies.size.toLocaleString("zh-CN") }),
      " 个机构",
      years.length ? `，覆盖 ${Math.min(...years)}–${Math.max(...years)} 年。` : "。",
    );
    // Facets over the whole index, computed from the report list (same shape as the API's).
    const count = (values) => {
      const m = new Map();
      for (const v of values) m.set(v, (m.get(v) || 0) + 1);
      return [...m].map(([value, n]) => ({ value, count: n }));
    };
    const facets = {
      year: count(rows.map((r) => r.year || null)).sort((a, b) => (b.value || 0) - (a.value || 0)),
      section: count(rows.flatMap((r) => r.sections || [])).sort((a, b) => b.count - a.count),
      agency: count(rows.map((r) => r.agency || "")).sort(
        (a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value), "zh-CN"),
      ),
    };
    renderFacets(current, facets);
    renderChart(current, facets.year, "各年份报告数");
    const list = $("report-list");
    const shown = list.dataset.all === "1" ? rows : rows.slice(0, 30);
    list.replaceChildren(
      ...shown.map((r) =>
        el(
          "li",
          {},
          el("a", { href: reportHref(r.report_id), text: r.title || "（无标题）" }),
          el("span", {
            class: "muted",
            text: ` ${r.agency || "（未注明机构）"} · ${r.year || "年份不详"} · ${r.passages} 段`,
          }),
        ),
      ),
    );
    if (rows.length > shown.length) {
      list.appendChild(
        el(
          "li",
          { class: "more-row" },
          el("button", {
            type: "button",
            class: "more",
            text: `显示全部 ${rows.length} 份报告`,
            on: {
              click: () => {
                list.dataset.all = "1";
                showIntro(seq, undefined);
              },
            },
          }),
        ),
      );
    }
  }

  /* -- wiring --------------------------------------------------------------------------- */
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go({ ...current, q: input.value.trim(), offset: 0 });
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
  render(current);
})();
