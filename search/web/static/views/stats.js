/* gongkai 数据 view: the standard tables' figures (GET /api/stats, = `stats --json`) as a
 * sortable agency × year table of one metric, a chart over the years, the reports' printed
 * totals that disagree with their parts, and how many reports had readable tables.
 * Values from the index are only ever inserted as text. */
import { apiParams, fetchJSON } from "../api.js";
import { el, svg } from "../dom.js";
import { LABELS } from "../labels.js";

export const METRICS = [
  ["requests.new.total", "本年新收申请（总计）"],
  ["requests.granted.total", "予以公开"],
  ["requests.partial.total", "部分公开"],
  ["requests.refused.total", "不予公开（八项合计）"],
  ["requests.unable_not_held.total", "无法提供：本机关不掌握"],
  ["requests.rejected.total", "不予处理（五项合计）"],
  ["requests.total.total", "办理结果总计"],
  ["requests.new.natural", "新收申请：自然人"],
  ["review.total", "行政复议（总计）"],
  ["review.corrected", "行政复议：结果纠正"],
  ["litigation.total", "行政诉讼（合计）"],
  ["litigation.corrected", "行政诉讼：结果纠正"],
  ["active.normative.issued", "规范性文件：本年制发"],
  ["active.licensing.decisions", "行政许可处理决定"],
  ["active.punishment.decisions", "行政处罚处理决定"],
  ["active.fees.amount", "行政事业性收费金额（万元）"],
];
export const RATES = [
  ["", "不显示比率"],
  ["refused", "不予公开率"],
  ["granted", "予以公开率"],
  ["corrected", "复议诉讼纠错率"],
];
const NO_YEAR = LABELS.no_year;
const NO_AGENCY = LABELS.no_agency;

export function figure(v) {
  if (v === null || v === undefined) return "—";
  return Number.isInteger(v) ? v.toLocaleString("zh-CN") : v.toLocaleString("zh-CN", { maximumFractionDigits: 2 });
}

function pct(v) {
  return v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%";
}

function signed(v) {
  if (v === null || v === undefined) return "—";
  return (v > 0 ? "+" : "") + figure(v);
}

/* The two answers the view needs: agency by agency (the table) and year by year (the chart). */
export async function fetchStats(s, signal) {
  const extra = { metric: s.metric || METRICS[0][0] };
  if (s.rate) extra.rate = s.rate;
  const [agencies, years] = await Promise.all([
    fetchJSON("/api/stats?" + apiParams(s, { ...extra, by: "agency" }).toString(), signal),
    fetchJSON("/api/stats?" + apiParams(s, { ...extra, by: "year" }).toString(), signal),
  ]);
  return { agencies, years };
}

let sortKey = { col: "value", desc: true }; // the table's sort: "agency", "value", "change", "rate" or a year

function cellFor(row, year) {
  return row.years.find((c) => (c.year || null) === year) || null;
}

function sortValue(row, col) {
  if (col === "agency") return row.label;
  if (col === "value") return row.value;
  if (col === "change") return row.change;
  if (col === "rate") return row.rate ? row.rate.value : null;
  const c = cellFor(row, col);
  return c ? c.value : null;
}

function sortedRows(rows) {
  const { col, desc } = sortKey;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, col);
    const y = sortValue(b, col);
    if (x === null || x === undefined) return y === null || y === undefined ? a.rank - b.rank : 1;
    if (y === null || y === undefined) return -1;
    const d = typeof x === "string" ? x.localeCompare(y, "zh-CN") : x - y;
    return (desc ? -d : d) || a.rank - b.rank;
  });
}

const OLD_FORMAT = "2008";
const OLD_NOTE = "取自 2008 年版《政府信息公开情况统计表》，口径与 2019 年起的标准表格不同";

function isOld(cell) {
  return (cell.formats || []).includes(OLD_FORMAT);
}

function reportLink(cell, text, title) {
  const ids = cell.report_ids;
  const note = ids.length > 1 ? `${ids.length} 份报告之和，链接到第一份` : "查看这份报告";
  return el(
    "a",
    { href: "/reports/" + encodeURIComponent(ids[0]), title: title || note, class: "stats-fig" },
    text,
    isOld(cell) ? el("sup", { class: "stats-fmt", title: OLD_NOTE, text: "旧表" }) : null,
    cell.checks ? el("span", { class: "stats-flag", title: "表内合计与分项不一致", text: " ⚠" }) : null,
  );
}

function coverageNote(res) {
  const c = res.coverage;
  let t = `共 ${c.matched} 份报告，其中 ${c.with_tables} 份有可读的统计表（标准表格或 2008 年版统计表），${c.without_tables} 份没有`;
  if (c.missing) t += `；${c.missing} 份未给出此项（为空，不计入合计，也不当作 0）`;
  return t + "。";
}

function renderChecks(box, res) {
  box.replaceChildren();
  box.hidden = !res.checks.length;
  if (!res.checks.length) return;
  box.append(
    el("strong", { text: `⚠ ${res.checks.length} 处表内合计与分项不一致（按原表照录，未作更正）` }),
    el(
      "ul",
      null,
      ...res.checks.map((c) =>
        el(
          "li",
          null,
          el("a", { href: "/reports/" + encodeURIComponent(c.report_id), text: `${c.agency || NO_AGENCY} ${c.year || NO_YEAR}` }),
          `：${c.rule}，表中印为 ${figure(c.printed)}，分项相加为 ${figure(c.computed)}`,
        ),
      ),
    ),
  );
}

// the last chart drawn, redrawn at the new width when the window is resized
export const statsChart = { box: null, res: null };

/* The figure per year as inline SVG drawn at its box's own width in pixels (not a fixed
 * drawing scaled down: at 400 px its labels would shrink to 5 px). */
export function renderChart(box, res) {
  statsChart.box = box;
  statsChart.res = res;
  const rows = res.rows.filter((r) => r.year);
  box.replaceChildren();
  if (!rows.length) return;
  const W = Math.max(280, box.clientWidth || 720);
  const H = W < 520 ? 180 : 220;
  const pad = { l: 56, r: 12, t: 22, b: 28 };
  const max = Math.max(1, ...rows.map((r) => r.value || 0));
  const bw = (W - pad.l - pad.r) / rows.length;
  const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "chart stats-chart-svg", role: "img", "aria-label": `${res.metric_label}，按年份` });
  root.appendChild(svg("line", { x1: pad.l, x2: W - pad.r, y1: y(0), y2: y(0), class: "axis" }));
  for (const t of [0, 0.5, 1]) {
    root.appendChild(svg("text", { x: pad.l - 6, y: y(max * t) + 4, "text-anchor": "end", class: "tick" }, figure(Math.round(max * t))));
  }
  rows.forEach((r, i) => {
    const x = pad.l + i * bw + bw * 0.15;
    const old = isOld(r);
    const label = `${r.year}年：${figure(r.value)}（${r.reports} 份报告${r.missing ? `，${r.missing} 份未给出` : ""}${old ? "；" + OLD_NOTE : ""}）`;
    if (r.value !== null) {
      root.appendChild(svg("rect", { x, y: y(r.value), width: bw * 0.7, height: y(0) - y(r.value), class: old ? "bar bar-old" : "bar" }, svg("title", {}, label)));
      root.appendChild(svg("text", { x: x + bw * 0.35, y: y(r.value) - 4, "text-anchor": "middle", class: "val" }, figure(r.value)));
    }
    root.appendChild(svg("text", { x: x + bw * 0.35, y: H - 8, "text-anchor": "middle", class: "tick" }, String(r.year)));
  });
  box.appendChild(root);
}

function renderTable(table, res, rerender) {
  const years = res.years;
  const rate = res.rate;
  const head = [["agency", "机构"], ...years.map((yr) => [yr, yr ? String(yr) : NO_YEAR]), ["value", "最近一年"], ["change", "较上年"]];
  if (rate) head.push(["rate", RATES.find((r) => r[0] === rate)[1]]);
  const th = head.map(([col, text]) => {
    const on = sortKey.col === col;
    return el(
      "th",
      { scope: "col", class: col === "agency" ? "" : years.includes(col) ? "num yr" : "num", "aria-sort": on ? (sortKey.desc ? "descending" : "ascending") : "none" },
      el(
        "button",
        {
          type: "button",
          class: "sort" + (on ? " active" : ""),
          "data-col": String(col),
          on: {
            click: () => {
              sortKey = on ? { col, desc: !sortKey.desc } : { col, desc: col !== "agency" };
              rerender();
            },
          },
        },
        text + (on ? (sortKey.desc ? " ↓" : " ↑") : ""),
      ),
    );
  });
  const body = sortedRows(res.rows).map((row) => {
    const cells = [el("th", { scope: "row", class: "stats-agency" }, row.label)];
    for (const yr of years) {
      const c = cellFor(row, yr);
      const td = el("td", { class: "num yr" });
      if (c) td.appendChild(reportLink(c, figure(c.value), c.value === null ? "报告未给出此项" : null));
      cells.push(td);
    }
    cells.push(el("td", { class: "num strong", text: figure(row.value) }));
    const ch = el("td", { class: "num" + (row.change > 0 ? " up" : row.change < 0 ? " down" : ""), text: signed(row.change) });
    if (row.change_pct !== null && row.change_pct !== undefined) ch.title = `${(row.change_pct * 100).toFixed(0)}%，上年 ${figure(row.previous)}`;
    cells.push(ch);
    if (rate) {
      const r = row.rate;
      cells.push(el("td", { class: "num", text: pct(r && r.value), title: r && r.value !== null ? `${figure(r.numerator)} / ${figure(r.denominator)}` : "无法计算" }));
    }
    return el("tr", { class: row.checks ? "has-checks" : null }, ...cells);
  });
  table.replaceChildren(el("thead", null, el("tr", null, ...th)), el("tbody", null, ...body));
}

/* Draw the view into `box` (the #view-stats panel); `choose(change)` changes the page state. */
export function renderStats(box, s, data, choose) {
  const { agencies, years } = data;
  if (!box.firstChild) {
    box.append(
      el(
        "div",
        { class: "view-toolbar stats-toolbar" },
        el("label", null, "指标 ", el("select", { id: "stats-metric", "aria-label": "指标" })),
        el("label", null, "比率 ", el("select", { id: "stats-rate", "aria-label": "比率" })),
        el("a", { class: "dl", id: "stats-csv", download: "stats.csv", text: "CSV（长表）" }),
      ),
      el("p", { class: "view-note", id: "stats-note" }),
      el("p", { class: "view-note stats-format", id: "stats-format", hidden: true }),
      el("div", { class: "stats-checks", id: "stats-checks", role: "note", hidden: true }),
      el("h2", { class: "trend-title", id: "stats-chart-title" }),
      el("div", { class: "stats-chart", id: "stats-chart" }),
      el("div", { class: "table-wrap" }, el("table", { class: "data-table stats-table", id: "stats-table" })),
      el("p", { class: "view-note", id: "stats-unread" }),
    );
  }
  const metric = agencies.metric;
  const mSel = box.querySelector("#stats-metric");
  const options = METRICS.some((m) => m[0] === metric) ? METRICS : [[metric, agencies.metric_label], ...METRICS];
  mSel.replaceChildren(...options.map(([v, t]) => el("option", { value: v, selected: v === metric }, t)));
  mSel.onchange = () => choose({ metric: mSel.value === METRICS[0][0] ? "" : mSel.value });
  const rSel = box.querySelector("#stats-rate");
  rSel.replaceChildren(...RATES.map(([v, t]) => el("option", { value: v, selected: v === (agencies.rate || "") }, t)));
  rSel.onchange = () => choose({ rate: rSel.value });
  const csv = new URLSearchParams({ q: s.q || "", format: "csv" });
  for (const f of ["agency", "year"]) if (s[f]) csv.set(f, s[f]);
  box.querySelector("#stats-csv").href = "/api/stats?" + csv.toString();
  box.querySelector("#stats-note").textContent = coverageNote(agencies);
  const fmt = box.querySelector("#stats-format");
  const notes = years.format_notes || [];
  fmt.hidden = !notes.length;
  fmt.textContent = notes.length ? "口径：" + notes.join("；") + "（图中浅色柱、表中标“旧表”者）。" : "";
  renderChecks(box.querySelector("#stats-checks"), agencies);
  box.querySelector("#stats-chart-title").textContent = `${agencies.metric_label}：各年份合计`;
  renderChart(box.querySelector("#stats-chart"), years);
  const table = box.querySelector("#stats-table");
  const rerender = () => renderTable(table, agencies, rerender);
  rerender();
  const un = agencies.unread.length;
  box.querySelector("#stats-unread").textContent = un
    ? `没有可读统计表的报告（${un} 份）：` + agencies.unread.slice(0, 8).map((u) => `${u.agency || NO_AGENCY} ${u.year || NO_YEAR}`).join("、") + (un > 8 ? " 等" : "")
    : "";
}
