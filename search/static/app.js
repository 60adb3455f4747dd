/* gongkai search page. No dependencies, no build step.
 * The URL is the state (?q=&agency=&year=&section=&offset=, and for the journalist views
 * view=compare|trend|kwic|stats with by=, sort=, term=, metric=, rate=): every change pushes a history entry, so
 * result lists and views can be bookmarked and shared and back/forward work.
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
  const VIEWS = ["results", "compare", "trend", "kwic", "stats"];
  const VIEW_LABEL = { results: "结果", compare: "对比", trend: "趋势", kwic: "语境", stats: "数据" };
  const VIEW_HINT = {
    results: "逐段浏览命中的段落",
    compare: "每个机构（或年份）最相关的一段，并排比较",
    trend: "各年份命中的报告数及占当年报告的比例",
    kwic: "一个词在所有报告中的每一处上下文",
    stats: "年报标准表格中的数字：各机构各年份的申请、复议和诉讼",
  };
  const KWIC_SORTS = ["year", "agency", "left", "right"];
  const KWIC_LIMIT = 1000;
  const NEAR_COPY = 0.6; // similarity from which a passage reads as a copy (as the CLI says)

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
    s.view = VIEWS.includes(p.get("view")) ? p.get("view") : "results";
    s.by = p.get("by") === "year" ? "year" : "agency";
    s.sort = KWIC_SORTS.includes(p.get("sort")) ? p.get("sort") : "year";
    s.term = (p.get("term") || "").trim();
    s.metric = /^[a-z_.]{1,80}$/.test(p.get("metric") || "") ? p.get("metric") : "";
    s.rate = ["refused", "granted", "corrected"].includes(p.get("rate")) ? p.get("rate") : "";
    if (s.view !== "results") s.offset = 0;
    return s;
  }

  /* Each view's own settings go into the URL only for that view, and only when not default. */
  function stateURL(s) {
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

  /* The API parameters shared by every view: the query and the sidebar filters. */
  function apiParams(s, extra) {
    const p = new URLSearchParams({ q: s.q });
    for (const f of FIELDS) if (s[f]) p.set(f, s[f]);
    for (const [k, v] of Object.entries(extra || {})) p.set(k, String(v));
    return p;
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
    const viewName = s.view !== "results" ? ` · ${VIEW_LABEL[s.view]}` : "";
    document.title =
      s.q || hasFilters(s) ? `${s.q || "筛选"}${viewName} · gongkai` : "gongkai · 政府信息公开年报检索";
    const my = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const signal = inflight.signal;
    $("error").hidden = true;
    if (!s.q.trim() && !hasFilters(s) && s.view !== "stats") {
      showPanels(null);
      showIntro(my, signal);
      return;
    }
    $("intro").hidden = true;
    showPanels(s);
    document.body.classList.add("loading");
    const results = s.view === "results";
    const p = apiParams(s, { limit: results ? PAGE : 0, offset: results ? s.offset : 0 });
    // only the 数据 view opens without a query or filter: its figures are every report's
    const blank = !s.q.trim() && !hasFilters(s);
    const searching = blank ? Promise.resolve(null) : fetchJSON("/api/search?" + p.toString(), signal);
    const viewing = fetchView(s, signal);
    if (viewing) viewing.catch(() => {}); // awaited below; never an unhandled rejection
    try {
      const res = await searching;
      if (my !== seq) return;
      if (res) showResults(s, res);
      else showEverything(s);
      if (viewing) {
        try {
          const data = await viewing;
          if (my !== seq) return;
          renderView(s, data, res);
        } catch (err) {
          if (my !== seq || err.name === "AbortError") return;
          showViewError(s, err.message || String(err));
        }
      } else if (s.view === "kwic") {
        renderKwic(s, null); // no term yet: ask for one
      }
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
    $("export").hidden = true;
    for (const v of VIEWS) if (v !== "results") $("view-" + v).hidden = true;
  }

  /* A view that failed (say, a KWIC term with nothing searchable): the facets stay. */
  function showViewError(s, message) {
    const box = $("error");
    box.replaceChildren(el("strong", { text: `无法显示${VIEW_LABEL[s.view]}：` }), message);
    box.hidden = false;
    if (s.view !== "results") $("view-" + s.view).hidden = true;
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
    renderTabs(s, null);
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
    renderTabs(s, res);
    renderExport(s, res);
    if (s.view === "results") {
      renderHits(s, res);
      renderPager(s, res);
    } else {
      $("hits").replaceChildren();
      $("pager").hidden = true;
    }
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
            ...passageActions(h, s.q),
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

  /* -- views: results | compare | trend | kwic ------------------------------------------ */
  function showPanels(s) {
    const view = s ? s.view : null;
    $("views").hidden = !s;
    $("hits").hidden = view !== "results";
    if (view !== "results") $("pager").hidden = true;
    for (const v of VIEWS) if (v !== "results") $("view-" + v).hidden = view !== v;
    if (s) renderTabs(s, null);
    if (!s) return;
    // the view's controls reflect the state at once, before its data arrives
    for (const b of $("compare-by").querySelectorAll("button")) {
      const on = b.dataset.by === s.by;
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    }
    if (view === "kwic") $("kwic-term").value = kwicTerm(s);
  }

  function renderTabs(s, res) {
    const counts = {};
    if (res) {
      counts.results = res.total;
      counts.compare = ((res.facets && res.facets[s.by]) || []).length;
      counts.trend = ((res.facets && res.facets.year) || []).length;
    }
    const unit = { results: "段", compare: s.by === "year" ? "个年份" : "个机构", trend: "个年份" };
    $("view-tabs").replaceChildren(
      ...VIEWS.map((v) => {
        const active = v === s.view;
        return el(
          "a",
          {
            href: stateURL({ ...s, view: v, offset: 0 }),
            class: "view-tab" + (active ? " active" : ""),
            role: "tab",
            "aria-selected": active ? "true" : "false",
            "aria-current": active ? "page" : null,
            title: VIEW_HINT[v],
            data: { view: v },
            on: {
              click: (ev) => {
                if (ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey || ev.button) return;
                ev.preventDefault();
                if (v !== current.view) go({ ...current, view: v, offset: 0 });
              },
            },
          },
          el("span", { class: "tab-label", text: VIEW_LABEL[v] }),
          counts[v] !== undefined
            ? el("span", { class: "tab-count", text: `${counts[v].toLocaleString("zh-CN")} ${unit[v]}` })
            : null,
        );
      }),
    );
  }

  function renderExport(s, res) {
    const box = $("export");
    box.hidden = !res.total;
    $("export-csv").href = "/api/export?" + apiParams(s, { format: "csv" }).toString();
    $("export-jsonl").href = "/api/export?" + apiParams(s, { format: "jsonl" }).toString();
    box.querySelector(".export-label").textContent = `导出全部 ${res.total.toLocaleString("zh-CN")} 段`;
    box.title = "全部命中段落，含元数据和引用（CSV 可直接用 Excel 打开）";
  }

  function fetchView(s, signal) {
    if (s.view === "compare") {
      return fetchJSON("/api/compare?" + apiParams(s, { by: s.by, limit: 0 }).toString(), signal);
    }
    if (s.view === "trend") {
      return fetchJSON("/api/trend?" + apiParams(s, { by: "year" }).toString(), signal);
    }
    if (s.view === "kwic") {
      const term = kwicTerm(s);
      if (!term) return null;
      return fetchJSON("/api/kwic?" + kwicParams(s, { sort: s.sort, limit: KWIC_LIMIT }).toString(), signal);
    }
    if (s.view === "stats") {
      return import("/static/stats.js").then((m) => m.load(s, signal, fetchJSON, apiParams));
    }
    return null;
  }

  function renderView(s, data, res) {
    if (s.view === "compare") renderCompare(s, data);
    else if (s.view === "trend") renderTrend(s, data, res);
    else if (s.view === "kwic") renderKwic(s, data);
    else if (s.view === "stats") {
      import("/static/stats.js").then((m) =>
        m.render($("view-stats"), s, data, (change) => go({ ...current, ...change, offset: 0 })),
      );
    }
  }

  /* -- citing and finding copies (on hits, compare cards) ---------------------------------- */
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
  function passageActions(h, q) {
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

  function pct(x, digits = 0) {
    return `${(x * 100).toFixed(digits)}%`;
  }

  function renderSimilar(box, body, res, q, nearOnly) {
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
              el("span", { class: "hit-agency", text: r.agency || "（未注明机构）" }),
              el("span", { class: "dot", text: "·" }),
              el("span", { text: r.year ? `${r.year} 年` : "年份不详" }),
              el("a", { href: reportHref(r.report_id, r.passage_id, q), text: `《${r.title || "无标题"}》` }),
            ),
            text,
            more,
          );
        }),
      ),
    );
  }

  /* -- compare ---------------------------------------------------------------------------- */
  /* A window of the highlighted text around its first match: [fragment, cut?]. */
  function excerpt(frag, before = 60, size = 200) {
    const nodes = Array.from(frag.childNodes);
    const length = nodes.reduce((n, c) => n + c.textContent.length, 0);
    if (length <= size + 40) return [frag, false];
    let first = 0;
    for (const c of nodes) {
      if (c.nodeName === "MARK") break;
      first += c.textContent.length;
    }
    if (first >= length) first = 0;
    const start = Math.max(0, Math.min(first - before, length - size));
    const [, rest] = splitAt(frag, start);
    const [win] = splitAt(rest, size);
    const out = document.createDocumentFragment();
    if (start > 0) out.appendChild(document.createTextNode("…"));
    out.appendChild(win);
    if (start + size < length) out.appendChild(document.createTextNode("…"));
    return [out, true];
  }

  function renderCompare(s, res) {
    const byYear = res.by === "year";
    const what = byYear ? "年份" : "机构";
    $("compare-note").replaceChildren(
      el("strong", { text: res.groups.toLocaleString("zh-CN") }),
      ` 个${what}各自最相关的一段，按相关度排序 · ` +
        `共 ${res.total.toLocaleString("zh-CN")} 段、${res.reports.toLocaleString("zh-CN")} 份报告命中`,
    );
    $("compare-csv").href = "/api/compare?" + apiParams(s, { by: res.by, limit: 0, format: "csv" }).toString();
    const cards = $("compare-cards");
    cards.dataset.by = res.by;
    if (!res.results.length) {
      cards.replaceChildren(el("li", { class: "empty-note", text: "没有可比较的段落。" }));
      return;
    }
    cards.replaceChildren(
      ...res.results.map((r) => {
        const parts = hitParts(r);
        const [body, cut] = parts.body ? excerpt(parts.body) : [null, false];
        const text = el("p", { class: "card-text" }, parts.lead ? el("strong", { class: "run-in" }, parts.lead) : null, body);
        if (cut) {
          text.appendChild(
            el("button", {
              type: "button",
              class: "more inline",
              text: "全文",
              on: {
                click: (ev) => {
                  const full = hitParts(r);
                  text.replaceChildren(full.lead ? el("strong", { class: "run-in" }, full.lead) : "", full.body || "");
                  ev.currentTarget.remove();
                },
              },
            }),
          );
        }
        const group = byYear ? (r.group ? `${r.group} 年` : "年份不详") : r.label;
        const other = byYear
          ? el("span", { class: "hit-agency", text: r.agency || "（未注明机构）" })
          : el("span", { class: "hit-year", text: r.year ? `${r.year} 年` : "年份不详" });
        return el(
          "li",
          {
            class: "card",
            data: {
              group: r.group === null ? "" : String(r.group),
              reports: String(r.matching_reports),
              passages: String(r.matching_passages),
              passageId: r.passage_id,
              reportId: r.report_id,
            },
          },
          el(
            "header",
            { class: "card-head" },
            el("span", { class: "card-rank", "aria-hidden": "true", text: r.rank }),
            el("h3", { class: "card-group", text: group }),
            el("span", {
              class: "card-count",
              title: `${r.matching_reports} 份报告中共 ${r.matching_passages} 段命中`,
              text: `${r.matching_reports} 份报告 · ${r.matching_passages} 段`,
            }),
          ),
          el(
            "div",
            { class: "card-meta" },
            other,
            r.published ? el("span", { class: "muted", text: `发布于 ${r.published}` }) : null,
            r.section ? el("span", { class: "tag", text: r.section }) : null,
          ),
          el(
            "div",
            { class: "card-title" },
            el("a", { href: reportHref(r.report_id, r.passage_id, s.q), text: `《${r.title || "无标题"}》` }),
          ),
          parts.heading ? el("div", { class: "hit-heading" }, parts.heading) : null,
          parts.body || parts.lead ? text : null,
          ...passageActions(r, s.q),
        );
      }),
    );
  }

  /* -- trend ------------------------------------------------------------------------------ */
  let lastTrend = null;
  let trendZoom = false; // only the years around the matches (not in the URL: a way of looking)

  function renderTrend(s, res, search) {
    lastTrend = res;
    const q = s.q ? `「${s.q}」` : "当前筛选";
    $("trend-title").textContent = `${q}：各年份命中的报告`;
    const dated = res.rows.filter((r) => r.year !== null && r.reports);
    const years = dated.length ? `，${dated[0].year}–${dated[dated.length - 1].year} 年` : "";
    $("trend-note").replaceChildren(
      el("strong", { text: res.reports.toLocaleString("zh-CN") }),
      ` / ${res.all_reports.toLocaleString("zh-CN")} 份报告命中（${res.total.toLocaleString("zh-CN")} 段）${years}。`,
      "比例的分母是当年所有符合筛选条件的报告，归档多的年份不会因此显得更多。",
    );
    $("trend-png").href = "/api/trend?" + apiParams(s, { by: "year", format: "png" }).toString();
    $("trend-csv").href = "/api/trend?" + apiParams(s, { by: "year", format: "csv" }).toString();
    const zoom = $("trend-zoom");
    const near = zoomSpan(res.rows);
    zoom.hidden = !near;
    zoom.setAttribute("aria-pressed", trendZoom && near ? "true" : "false");
    zoom.textContent = trendZoom && near ? "显示全部年份" : near ? `只看 ${near[0]}–${near[1]} 年` : "";
    zoom.onclick = () => {
      trendZoom = !trendZoom;
      renderTrend(current, res, search);
    };
    drawTrend(s, res);
    const body = $("trend-table").querySelector("tbody");
    body.replaceChildren(
      ...res.rows.map((r) =>
        el(
          "tr",
          { class: r.reports ? "" : "zero", data: { year: r.year === null ? "" : String(r.year) } },
          el("th", { scope: "row", text: r.year === null ? "年份不详" : String(r.year) }),
          el("td", { class: "num", text: r.reports }),
          el("td", { class: "num", text: r.all_reports }),
          el("td", { class: "num share-cell" }, shareBar(r.share), el("span", { text: pct(r.share, 1) })),
        ),
      ),
    );
    $("trend-data-summary").textContent = `数据表（${res.rows.length} 个年份）`;
  }

  /* The years worth zooming to: from two before the first match to two after the last, when
   * that is well short of every year in the index. */
  function zoomSpan(rows) {
    const years = rows.filter((r) => r.year !== null).map((r) => r.year);
    const hit = rows.filter((r) => r.year !== null && r.reports).map((r) => r.year);
    if (!hit.length || years.length < 2) return null;
    const lo = Math.max(years[0], hit[0] - 2);
    const hi = Math.min(years[years.length - 1], hit[hit.length - 1] + 2);
    return hi - lo + 1 < 0.6 * (years[years.length - 1] - years[0] + 1) ? [lo, hi] : null;
  }

  function shareBar(share) {
    const bar = el("span", { class: "share-bar", "aria-hidden": "true" }, el("span", {}));
    bar.firstChild.style.width = `${Math.round(share * 1000) / 10}%`; // CSSOM: allowed by the CSP
    return bar;
  }

  function niceStep(max, ticks) {
    const raw = max / ticks;
    const mag = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1))));
    for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return Math.max(1, m * mag);
    return Math.max(1, 10 * mag);
  }

  /* Reports per year (matching, and the rest of that year's reports stacked on top) and the
   * share of that year's reports below, as inline SVG sized to the column. */
  function drawTrend(s, res) {
    const box = $("trend-chart");
    const readout = $("trend-readout");
    const span = trendZoom ? zoomSpan(res.rows) : null;
    const rows = span ? res.rows.filter((r) => r.year === null || (r.year >= span[0] && r.year <= span[1])) : res.rows;
    const known = rows.filter((r) => r.year !== null);
    const unknown = rows.find((r) => r.year === null);
    if (!rows.length) {
      box.replaceChildren(el("p", { class: "muted", text: "没有报告。" }));
      return;
    }
    const byYear = new Map(known.map((r) => [r.year, r]));
    const slots = [];
    if (known.length) {
      const lo = known[0].year;
      const hi = known[known.length - 1].year;
      if (hi - lo <= 150) for (let y = lo; y <= hi; y++) slots.push(byYear.get(y) || { year: y, empty: true });
      else slots.push(...known);
    }
    if (unknown) {
      if (slots.length) slots.push({ gap: true });
      slots.push(unknown);
    }
    const W = Math.max(300, box.clientWidth || 800);
    const left = 44;
    const right = 10;
    const top = 22;
    const countH = 190;
    const gapH = 30;
    const shareH = 80;
    const axisH = 26;
    const H = top + countH + gapH + shareH + axisH;
    const base = top + countH; // bottom of the count bars
    const shareTop = base + gapH;
    const shareBase = shareTop + shareH;
    const slot = (W - left - right) / slots.length;
    const bar = Math.max(1.5, Math.min(34, slot * 0.74));
    const maxAll = Math.max(1, ...rows.map((r) => r.all_reports));
    const step = niceStep(maxAll, 4);
    const yMax = Math.ceil(maxAll / step) * step;
    const yc = (n) => base - (countH * n) / yMax;
    const ys = (f) => shareBase - shareH * f;
    const xOf = (i) => left + i * slot + slot / 2;

    const root = svg("svg", {
      class: "trend-svg",
      width: W,
      height: H,
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": `${s.q || "当前筛选"}：各年份命中的报告数及占当年报告的比例`,
    });
    // axes and grid
    for (let v = 0; v <= yMax; v += step) {
      root.appendChild(svg("line", { class: v ? "grid" : "axis", x1: left, x2: W - right, y1: yc(v) + 0.5, y2: yc(v) + 0.5 }));
      root.appendChild(svg("text", { class: "tick", x: left - 8, y: yc(v) + 3.5 }, String(v)));
    }
    root.appendChild(svg("text", { class: "axis-title", x: left - 8, y: top - 10 }, "报告数"));
    for (const f of [0, 0.5, 1]) {
      root.appendChild(svg("line", { class: f ? "grid" : "axis", x1: left, x2: W - right, y1: ys(f) + 0.5, y2: ys(f) + 0.5 }));
      root.appendChild(svg("text", { class: "tick", x: left - 8, y: ys(f) + 3.5 }, f ? pct(f) : "0"));
    }
    root.appendChild(svg("text", { class: "axis-title", x: left - 8, y: shareTop - 10 }, "占比"));

    const labelEvery = Math.max(1, Math.ceil(40 / slot));
    const niceEvery = [1, 2, 5, 10, 20, 25, 50].find((n) => n >= labelEvery) || labelEvery;
    const showCounts = slot >= 16;
    const unknownX = unknown ? xOf(slots.length - 1) : Infinity;
    const yearLabel = (r, i) =>
      r.year === null || ((r.year % niceEvery === 0 || slots.length <= 12) && xOf(i) < unknownX - 34);
    const line = [];
    const lines = [];
    const hover = (r) => {
      readout.replaceChildren(
        el("strong", { text: r.year === null ? "年份不详" : `${r.year} 年` }),
        "：",
        el("strong", { class: "v-match", text: r.reports }),
        ` / ${r.all_reports} 份报告命中 · 占 `,
        el("strong", { class: "v-share", text: pct(r.share, 1) }),
      );
    };
    slots.forEach((r, i) => {
      if (r.gap || r.empty) {
        if (line.length) lines.push(line.splice(0));
        if (r.empty && yearLabel(r, i)) {
          root.appendChild(svg("text", { class: "year", x: xOf(i), y: H - 8 }, String(r.year)));
        }
        return;
      }
      const x = xOf(i) - bar / 2;
      const clickable = r.year !== null && r.reports > 0;
      const g = svg("g", {
        class: "tbar" + (r.reports ? "" : " none") + (clickable ? " link" : ""),
        "data-year": r.year === null ? "" : r.year,
        "data-reports": r.reports,
        "data-all": r.all_reports,
        "data-share": r.share,
        tabindex: 0,
      });
      const label = r.year === null ? "年份不详" : `${r.year} 年`;
      g.appendChild(svg("title", {}, `${label}：${r.reports} / ${r.all_reports} 份报告命中（${pct(r.share, 1)}）`));
      g.appendChild(svg("rect", { class: "hit-area", x: left + i * slot, y: top - 14, width: slot, height: shareBase - top + 14 }));
      const hAll = base - yc(r.all_reports);
      const hMatch = base - yc(r.reports);
      if (r.all_reports > r.reports) {
        g.appendChild(svg("rect", { class: "other", x, y: base - hAll, width: bar, height: hAll - hMatch, rx: 1 }));
      }
      if (r.reports) {
        g.appendChild(svg("rect", { class: "match", x, y: base - hMatch, width: bar, height: Math.max(1.5, hMatch), rx: 1 }));
        if (showCounts) g.appendChild(svg("text", { class: "count", x: xOf(i), y: base - hAll - 5 }, String(r.reports)));
      }
      g.appendChild(svg("rect", { class: "share-col", x, y: ys(r.share), width: bar, height: shareBase - ys(r.share) }));
      line.push([xOf(i), ys(r.share)]);
      g.appendChild(svg("circle", { class: "share-dot", cx: xOf(i), cy: ys(r.share), r: slot >= 8 && r.reports ? 3 : 2 }));
      if (slot >= 30 && r.reports) {
        g.appendChild(svg("text", { class: "share-label", x: xOf(i), y: ys(r.share) - 7 }, pct(r.share)));
      }
      if (yearLabel(r, i)) {
        g.appendChild(svg("text", { class: "year", x: xOf(i), y: H - 8 }, r.year === null ? "不详" : String(r.year)));
      }
      g.addEventListener("mouseenter", () => hover(r));
      g.addEventListener("focus", () => hover(r));
      if (clickable) {
        const open = () => go({ ...current, view: "results", year: String(r.year), offset: 0 });
        g.addEventListener("click", open);
        g.addEventListener("keydown", (ev) => {
          if (ev.key === "Enter") open();
        });
      }
      root.appendChild(g);
    });
    if (line.length) lines.push(line);
    for (const pts of lines) {
      if (pts.length < 2) continue;
      root.insertBefore(
        svg("polyline", { class: "share-line", points: pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ") }),
        root.querySelector(".tbar"),
      );
    }
    box.replaceChildren(root);
    const peak = rows.reduce((a, r) => (r.share > a.share ? r : a), rows[0]);
    readout.replaceChildren(
      peak.reports
        ? `占比最高：${peak.year === null ? "年份不详" : peak.year + " 年"} ${pct(peak.share, 1)}（${peak.reports} / ${peak.all_reports}）。把鼠标移到柱上看每年的数字，点击柱子查看该年的段落。`
        : "没有年份命中。",
    );
  }

  /* -- kwic ------------------------------------------------------------------------------- */
  const FILTER_TOKEN = /^(agency|year|section):/;

  /* The words of a query that KWIC can look up, one at a time (not the excluded ones), and its
   * top-level filters: `"行政复议" 诉讼 -平房区 year:2015` → [行政复议, 诉讼], [year:2015]. */
  function queryTerms(q) {
    const tokens =
      String(q || "").match(
        /(?:agency|year|section):(?:"[^"]*"|[^\s()（）"]*)|["“”][^"“”]*["“”]?|[()（）]|[^\s()（）"“”]+/g,
      ) || [];
    const terms = [];
    const filters = [];
    const groups = []; // per open parenthesis: is the group excluded?
    let negate = false; // after NOT or a lone "-"
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t === "(" || t === "（") {
        groups.push(negate);
        negate = false;
        continue;
      }
      if (t === ")" || t === "）") {
        groups.pop();
        continue;
      }
      if (t === "NOT" || t === "-") {
        negate = true;
        continue;
      }
      if (t === "OR" || t === "AND") continue;
      const excluded = negate || groups.includes(true) || (t.length > 1 && t[0] === "-");
      negate = false;
      if (FILTER_TOKEN.test(t.replace(/^-/, ""))) {
        const alone = tokens[i - 1] !== "OR" && tokens[i + 1] !== "OR";
        if (!excluded && !groups.length && alone) filters.push(t);
        continue;
      }
      if (excluded) continue;
      const word = t.replace(/^["“”]|["“”]$/g, "").trim();
      if (word && !terms.includes(word)) terms.push(word);
    }
    return { terms, filters };
  }

  const kwicDefault = (q) => queryTerms(q).terms[0] || "";
  const kwicTerm = (s) => s.term || kwicDefault(s.q);

  function kwicParams(s, extra) {
    const { filters } = queryTerms(s.q);
    const p = new URLSearchParams({ term: [kwicTerm(s), ...filters].join(" ") });
    for (const f of FIELDS) if (s[f]) p.set(f, s[f]);
    for (const [k, v] of Object.entries(extra || {})) p.set(k, String(v));
    return p;
  }

  const KWIC_HEAD = { left: "左侧语境", right: "右侧语境", agency: "机构", year: "年份" };

  function renderKwic(s, res) {
    const term = kwicTerm(s);
    const { terms } = queryTerms(s.q);
    $("kwic-choices").replaceChildren(
      ...(terms.length > 1
        ? [
            el("span", { class: "muted", text: "检索词：" }),
            ...terms.map((t) =>
              el("button", {
                type: "button",
                class: "chip-term" + (t === term ? " active" : ""),
                "aria-pressed": t === term ? "true" : "false",
                text: t,
                on: { click: () => go({ ...current, view: "kwic", term: t === terms[0] ? "" : t }) },
              }),
            ),
          ]
        : []),
    );
    const table = $("kwic-table");
    for (const th of table.querySelectorAll("th[data-sort]")) {
      const key = th.dataset.sort;
      const active = key === (res ? res.sort : s.sort);
      th.setAttribute("aria-sort", active ? "ascending" : "none");
      th.classList.toggle("sorted", active);
      th.replaceChildren(
        el(
          "button",
          {
            type: "button",
            class: "sort",
            title: key === "left" ? "按匹配词前面的文字排序（从近到远）" : `按${KWIC_HEAD[key]}排序`,
            on: { click: () => go({ ...current, view: "kwic", sort: key }) },
          },
          KWIC_HEAD[key],
          el("span", { class: "sort-mark", "aria-hidden": "true", text: active ? "▲" : "↕" }),
        ),
      );
    }
    const body = table.querySelector("tbody");
    const note = $("kwic-note");
    if (!res) {
      note.textContent = hasFilters(s)
        ? "输入一个词或短语，查看它在符合当前筛选的报告中出现的每一处上下文。"
        : "输入一个词或短语，查看它在所有报告中出现的每一处上下文。";
      note.dataset.total = "";
      body.replaceChildren();
      $("kwic-wrap").hidden = true;
      $("kwic-csv").hidden = true;
      return;
    }
    $("kwic-csv").hidden = !res.total;
    $("kwic-csv").href = "/api/kwic?" + kwicParams(s, { sort: res.sort, limit: 20000, format: "csv" }).toString();
    const extra = terms.length > 1 || queryTerms(s.q).terms[0] !== term;
    note.replaceChildren(
      `「${res.match}」共出现 `,
      el("strong", { text: res.total.toLocaleString("zh-CN") }),
      ` 处，在 ${res.reports.toLocaleString("zh-CN")} 份报告的 ${res.passages.toLocaleString("zh-CN")} 个段落中`,
      res.occurrences.length < res.total ? `；只列出前 ${res.occurrences.length.toLocaleString("zh-CN")} 处，CSV 含全部` : "",
      "。",
      extra ? el("span", { class: "muted", text: " 语境只查一个词或短语，检索式中的其他条件不参与。" }) : "",
    );
    note.dataset.total = String(res.total);
    $("kwic-wrap").hidden = !res.occurrences.length;
    $("kwic-term-col").style.width = `${Math.min(12, Math.max(2, [...res.match].length)) + 1.6}em`;
    body.replaceChildren(
      ...res.occurrences.map((o) =>
        el(
          "tr",
          {
            data: { year: o.year === null ? "" : String(o.year), agency: o.agency || "", passageId: o.passage_id },
            title: `《${o.title || "无标题"}》${o.heading ? " · " + o.heading : ""}`,
          },
          el("td", { class: "left" }, el("div", { class: "ctx" }, el("span", { text: o.left }))),
          el(
            "td",
            { class: "term" },
            el("a", { href: reportHref(o.report_id, o.passage_id, res.match), title: "在报告中查看这一段" }, el("mark", { text: o.match })),
          ),
          el("td", { class: "right" }, el("div", { class: "ctx", text: o.right })),
          el("td", { class: "agency", text: o.agency || "（未注明机构）" }),
          el("td", { class: "num", text: o.year === null ? "不详" : String(o.year) }),
        ),
      ),
    );
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
        el("button", { type: "button", class: "example", text: q, on: { click: () => go({ ...current, q, offset: 0, term: "" }) } }),
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
    go({ ...current, q: input.value.trim(), offset: 0, term: "" });
  });
  $("kwic-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const term = $("kwic-term").value.trim();
    go({ ...current, view: "kwic", term: term === kwicDefault(current.q) ? "" : term });
  });
  for (const b of $("compare-by").querySelectorAll("button")) {
    b.addEventListener("click", () => go({ ...current, view: "compare", by: b.dataset.by }));
  }
  let resizing = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(resizing);
    resizing = requestAnimationFrame(() => {
      if (current.view === "trend" && lastTrend && !$("view-trend").hidden) drawTrend(current, lastTrend);
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
  render(current);
})();
