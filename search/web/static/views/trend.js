/* The trend view: matching reports per year and their share of that year's reports, drawn as
 * inline SVG, with a data table and PNG/CSV downloads. */
import { apiParams } from "../api.js";
import { el, number, pct, svg, yearText } from "../dom.js";
import { LABELS } from "../labels.js";
import { $, go, state } from "../state.js";

// the last trend drawn (redrawn on resize) and the zoom to the years around the matches (not
// in the URL: a way of looking)
export const trendState = { last: null, zoom: false };

export function renderTrend(s, res, search) {
  trendState.last = res;
  const q = s.q ? `「${s.q}」` : "当前筛选";
  $("trend-title").textContent = `${q}：各年份命中的报告`;
  const dated = res.rows.filter((r) => r.year !== null && r.reports);
  const years = dated.length ? `，${dated[0].year}–${dated[dated.length - 1].year} 年` : "";
  $("trend-note").replaceChildren(
    el("strong", { text: number(res.reports) }),
    ` / ${number(res.all_reports)} 份报告命中（${number(res.total)} 段）${years}。`,
    "比例的分母是当年所有符合筛选条件的报告，归档多的年份不会因此显得更多。",
  );
  $("trend-png").href = "/api/trend?" + apiParams(s, { by: "year", format: "png" }).toString();
  $("trend-csv").href = "/api/trend?" + apiParams(s, { by: "year", format: "csv" }).toString();
  const zoom = $("trend-zoom");
  const near = zoomSpan(res.rows);
  zoom.hidden = !near;
  zoom.setAttribute("aria-pressed", trendState.zoom && near ? "true" : "false");
  zoom.textContent = trendState.zoom && near ? "显示全部年份" : near ? `只看 ${near[0]}–${near[1]} 年` : "";
  zoom.onclick = () => {
    trendState.zoom = !trendState.zoom;
    renderTrend(state.current, res, search);
  };
  drawTrend(s, res);
  const body = $("trend-table").querySelector("tbody");
  body.replaceChildren(
    ...res.rows.map((r) =>
      el(
        "tr",
        { class: r.reports ? "" : "zero", data: { year: r.year === null ? "" : String(r.year) } },
        el("th", { scope: "row", text: r.year === null ? LABELS.no_year : String(r.year) }),
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

/* The reports without a year, told apart from the chart. */
function renderUndated(r) {
  const note = $("trend-undated");
  note.hidden = !r;
  if (!r) return;
  note.replaceChildren(
    el("strong", { text: LABELS.no_year }),
    `：另有 ${number(r.all_reports)} 份报告没有年份，其中 `,
    el("strong", { text: number(r.reports) }),
    ` 份命中（${pct(r.share, 1)}）；它们不是某一年，不画入图中。`,
  );
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
export function drawTrend(s, res) {
  const box = $("trend-chart");
  const readout = $("trend-readout");
  const span = trendState.zoom ? zoomSpan(res.rows) : null;
  const rows = span ? res.rows.filter((r) => r.year === null || (r.year >= span[0] && r.year <= span[1])) : res.rows;
  const known = rows.filter((r) => r.year !== null);
  // Reports without a year are no point in time: they stand apart, in words under the chart,
  // so that a pile of them (congress reports, say) neither sets the scale nor reads as a year.
  // Only when no report has a year does the chart draw them.
  const undated = rows.find((r) => r.year === null);
  const unknown = known.length ? null : undated;
  renderUndated(known.length ? undated : null);
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
  if (unknown) slots.push(unknown);
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
  const maxAll = Math.max(1, ...[...known, ...(unknown ? [unknown] : [])].map((r) => r.all_reports));
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
      el("strong", { text: yearText(r.year) }),
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
    const label = yearText(r.year);
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
      g.appendChild(svg("text", { class: "year", x: xOf(i), y: H - 8 }, r.year === null ? LABELS.no_year_short : String(r.year)));
    }
    g.addEventListener("mouseenter", () => hover(r));
    g.addEventListener("focus", () => hover(r));
    if (clickable) {
      const open = () => go({ ...state.current, view: "results", year: String(r.year), offset: 0 }, { scroll: true });
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
  const drawn = known.length ? known : rows;
  const peak = drawn.reduce((a, r) => (r.share > a.share ? r : a), drawn[0]);
  readout.replaceChildren(
    peak.reports
      ? `占比最高：${yearText(peak.year)} ${pct(peak.share, 1)}（${peak.reports} / ${peak.all_reports}）。把鼠标移到柱上看每年的数字，点击柱子查看该年的段落。`
      : "没有年份命中。",
  );
}
