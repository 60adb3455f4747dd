/* The sidebar: facet lists (year, section, agency) and the small reports-per-year chart. */
import { el, svg } from "../dom.js";
import { LABELS } from "../labels.js";
import { $, FIELDS, go } from "../state.js";

export const FIELD_LABEL = { agency: "机构", year: "年份", section: "章节" };
const AGENCIES_SHOWN = 8;
const NARROW = window.matchMedia("(max-width: 860px)");
const EMPTY = { year: LABELS.no_year, agency: LABELS.no_agency, section: LABELS.no_section };

function facetValueLabel(field, value) {
  return value === null || value === "" ? EMPTY[field] : String(value);
}

export function renderFacets(s, facets) {
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
              title: active ? `去掉${FIELD_LABEL[f]}筛选` : `只看${label}`,
              data: { field: f, value },
              on: { click: () => go({ ...s, [f]: active ? "" : value, offset: 0 }, { scroll: true }) },
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

/* Reports per year, drawn from the year facet; gaps between years are shown as empty. The
 * reports without a year are no year: a line under the chart counts them, apart from its scale. */
export function renderChart(s, yearFacet, title = "各年份命中报告数") {
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
        go({ ...s, year: String(y) === s.year ? "" : String(y), offset: 0 }, { scroll: true }),
      );
    }
    if (i % labelEvery === 0) {
      g.appendChild(svg("text", { x: i * slot + slot / 2, y: H - 5, class: "year" }, String(y)));
    }
    root.appendChild(g);
  });
  $("year-chart").replaceChildren(root);
  const undated = (yearFacet || []).find((d) => d.value === null);
  const note = $("chart-undated");
  note.hidden = !undated;
  note.textContent = undated ? `另有 ${undated.count} 份报告${LABELS.no_year}，未画入图中` : "";
  panel.hidden = false;
}
