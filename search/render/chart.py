"""Charts of tool results as PNG, drawn with matplotlib (Agg, no pyplot: no global figure state,
no GUI backend)."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
import threading
from typing import TYPE_CHECKING, Any

from index.settings import MAX_PNG_AGENCIES
from search.results import agency_label, year_label

if TYPE_CHECKING:
    from search.tools.stats import StatsResult
    from search.tools.trend import TrendResult

_PLOT_LOCK = threading.Lock()  # rcParams are global: one chart at a time
# where fontconfig is absent (Windows, macOS without it): fonts matplotlib may know by name
KNOWN_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)


def _fontconfig(*args: str) -> list[str]:
    """Lines of a fontconfig command's output ([] when fontconfig is not installed)."""
    if not shutil.which(args[0]):
        return []
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in p.stdout.splitlines() if line.strip()]


_FACE = "%{file}\t%{index}\t%{family[0]}\n"  # fontconfig's format: one face a line


@functools.cache
def cjk_font() -> str | None:
    """The family name of an installed font that covers Chinese, for matplotlib: fontconfig is
    asked for every face covering `:lang=zh` (whatever its name), the one it ranks first for
    sans-serif preferred; without fontconfig, a known name matplotlib has found."""
    from matplotlib import font_manager

    faces = [tuple(line.split("\t")) for line in _fontconfig("fc-list", "-f", _FACE, ":lang=zh")]
    faces = [f for f in faces if len(f) == 3]
    if faces:
        ranked = _fontconfig("fc-match", "-s", "-f", _FACE, "sans-serif:lang=zh")
        order = {tuple(line.split("\t")): i for i, line in enumerate(ranked)}
        path, _index, family = min(faces, key=lambda f: (order.get(f, len(order)), f))
        names = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
        if not names:  # a font matplotlib's cache has not seen (installed since): add it
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                return None
            names = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
        return family if family in names else min(names, default=None)
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in KNOWN_CJK_FONTS if n in names), None)


def _filters_text(res: TrendResult) -> str:
    return "  ".join(f"{f.field}:{f.value}" for f in res.filters or [])


def trend_png(res: TrendResult, path_or_file) -> dict:
    """Draw the trend with matplotlib (Agg): matching reports on top, the share below, the query
    and the measure in the title. Labels are in Chinese when a CJK font is installed (any font
    fontconfig says covers Chinese), else in ASCII only: never fails for lack of a font.
    Reports of no known year are not drawn (they are not a year, and would set the scale);
    a note under the chart gives their figures. Returns what was drawn: {"font": name or None,
    "missing_glyphs": characters the font could not draw, "title", "labels" (the agencies on
    the axis), "notes"}."""
    import warnings

    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    font = cjk_font()
    by, rows = res.by, res.rows
    zh = font is not None

    rc: Any = {"font.family": "sans-serif"}
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    with _PLOT_LOCK, matplotlib.rc_context(rc), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # missing-glyph warnings: counted, never errors
        matching = "命中的报告" if zh else "matching reports"
        others = "其他报告" if zh else "other reports"
        fig = Figure(figsize=(10, 6.4))
        top, bottom = fig.subplots(2, 1, sharex=True)
        notes = []
        if by == "year":
            dated = [r for r in rows if r["year"]]
            unknown = [r for r in rows if not r["year"]]
            xs = [r["year"] for r in dated]
            top.bar(xs, [r["reports"] for r in dated], color="#2b6cb0", width=0.8, label=matching)
            top.bar(
                xs,
                [r["all_reports"] - r["reports"] for r in dated],
                bottom=[r["reports"] for r in dated],
                color="#cbd5e0",
                width=0.8,
                label=others,
            )
            line_x: list = []
            line_y: list = []  # the share line breaks where a year has no reports
            for r in dated:
                if line_x and r["year"] - line_x[-1] > 1:
                    line_x.append(line_x[-1] + 0.5)
                    line_y.append(float("nan"))
                line_x.append(r["year"])
                line_y.append(r["share"])
            bottom.plot(line_x, line_y, marker="o", markersize=4, color="#2f855a")
            bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
            xlabel = "年份" if zh else "year"
            for r in unknown:
                label = year_label(None) if zh else "year unknown"
                drawn = "未画入图中" if zh else "not drawn"
                reports = "份报告命中" if zh else "reports match"
                notes.append(
                    f"{label}：{r['reports']} / {r['all_reports']} {reports}"
                    f"（{r['share'] * 100:.1f}%），{drawn}"
                    if zh
                    else f"{label}: {r['reports']} / {r['all_reports']} {reports}"
                    f" ({r['share'] * 100:.1f}%), {drawn}"
                )
        else:
            if len(rows) > MAX_PNG_AGENCIES:
                rest = len(rows) - MAX_PNG_AGENCIES
                notes.append(
                    f"另有 {rest} 个机构未画入" if zh else f"{rest} more agencies not drawn"
                )
            rows = rows[:MAX_PNG_AGENCIES]
            xs = list(range(len(rows)))
            top.bar(xs, [r["reports"] for r in rows], color="#2b6cb0", label=matching)
            top.bar(
                xs,
                [r["all_reports"] - r["reports"] for r in rows],
                bottom=[r["reports"] for r in rows],
                color="#cbd5e0",
                label=others,
            )
            bottom.bar(xs, [r["share"] for r in rows], color="#2f855a")
            labels = [agency_label(r["agency"]) if zh else f"#{i + 1}" for i, r in enumerate(rows)]
            bottom.set_xticks(xs, labels, rotation=40, ha="right", fontsize=8)
            xlabel = "机构" if zh else "agency (#n = row n of the table in the terminal/CSV)"
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        top.set_ylabel("报告数" if zh else "reports")
        top.legend(loc="best", frameon=False)
        if zh:
            bottom.set_ylabel("占当年报告的比例" if by == "year" else "占该机构报告的比例")
        else:
            bottom.set_ylabel(f"share of the {by}'s reports")
        bottom.yaxis.set_major_formatter(PercentFormatter(1.0))
        bottom.set_ylim(0, 1.05)
        bottom.set_xlabel(xlabel)
        for ax in (top, bottom):
            ax.grid(axis="y", alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
        q = res.query
        share_of = ("当年" if by == "year" else "该机构") if zh else f"that {by}'s"
        if zh:
            what = (q if q[:1] in '"“' else f"“{q}”") if q else "筛选条件下"
            title = f"{what}：每{'年' if by == 'year' else '个机构'}命中的报告数及占{share_of}报告的比例"
            counts = f"{res.all_reports} 份报告中 {res.reports} 份命中"
        else:  # a query in Chinese cannot be drawn without a CJK font
            what = f"“{q}”" if q and q.isascii() else "the query"
            title = f"Reports matching {what} per {by}, and their share of {share_of} reports"
            counts = f"{res.reports} of {res.all_reports} reports match"
        fig.suptitle(title, fontsize=13)
        top.set_title("  ".join(x for x in (counts, _filters_text(res)) if x), fontsize=9)
        if notes:
            fig.text(0.01, 0.005, "；".join(notes) if zh else "; ".join(notes), fontsize=8)
        fig.tight_layout(rect=(0, 0.03 if notes else 0, 1, 1))
        fig.savefig(path_or_file, format="png", dpi=120)
    missing = sum(1 for w in caught if "missing from" in str(w.message))
    return {
        "font": font,
        "missing_glyphs": missing,
        "title": title,
        "labels": [t.get_text() for t in bottom.get_xticklabels()] if by != "year" else [],
        "notes": notes,
    }


def trend_png_bytes(res: TrendResult) -> bytes:
    buf = io.BytesIO()
    trend_png(res, buf)
    return buf.getvalue()


def stats_png(res: StatsResult, path_or_file) -> dict:
    """Draw `stats`: the figure per year (by year) or per agency in rank order (by agency,
    the first 30), and the rate below when one was asked for. A missing figure is a gap, never
    a bar of 0. Chinese labels when a CJK font is installed, else ASCII. Returns {"font"}."""
    import warnings

    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    font = cjk_font()
    by, rate = res.by, res.rate
    rows = [r for r in res.rows if by == "agency" or r["year"]][:MAX_PNG_AGENCIES]
    rc: Any = {"font.family": "sans-serif"}
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    with _PLOT_LOCK, matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = Figure(figsize=(10, 6.4 if rate else 4.6))
        axes = fig.subplots(2, 1, sharex=True) if rate else [fig.subplots(1, 1)]
        xs = list(range(len(rows)))
        given = [(x, r) for x, r in zip(xs, rows, strict=True) if r["value"] is not None]
        # the 2008-era table's figures mean something else: lighter bars, said in the title
        colors = ["#90b4dc" if "2008" in (r.get("formats") or []) else "#2b6cb0" for _, r in given]
        axes[0].bar([x for x, _ in given], [r["value"] for _, r in given], color=colors)
        for x, r in given:
            axes[0].annotate(
                f"{r['value']:,}", (x, r["value"]), ha="center", va="bottom", fontsize=8
            )
        axes[0].set_ylabel(res.metric_label if font else res.metric, fontsize=9)
        if rate:
            shown = [(x, r["rate"]["value"]) for x, r in zip(xs, rows, strict=True)]
            shown = [(x, v) for x, v in shown if v is not None]
            axes[1].bar([x for x, _ in shown], [v for _, v in shown], color="#2f855a")
            axes[1].yaxis.set_major_formatter(PercentFormatter(1.0))
            axes[1].set_ylabel((res.rate_label or "").split("（")[0] if font else f"{rate} rate")
        if by == "year":
            labels = [str(r["year"]) for r in rows]
        else:
            labels = [agency_label(r["agency"]) if font else f"#{r['rank']}" for r in rows]
        axes[-1].set_xticks(
            xs,
            labels,
            rotation=0 if by == "year" else 40,
            ha="center" if by == "year" else "right",
            fontsize=8,
        )
        missing = res["coverage"]["missing"]  # the count the text gives: one count everywhere
        if font:
            title = res.metric_label + (
                "（按年份）" if by == "year" else "（按机构，各机构最近一年）"
            )
            if missing:
                title += f"；{missing} 份报告未给出此项，未计入"
            if res.format_notes:
                title += "\n浅色柱：2008 年版统计表（口径与 2019 年起的标准表格不同）"
        else:
            title = f"{res.metric} by {by}" + (f"; {missing} reports missing it" if missing else "")
            if res.format_notes:
                title += "\nlight bars: the 2008-era table (another definition)"
        axes[0].set_title(title, fontsize=10)
        for ax in axes:
            ax.grid(axis="y", alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        fig.savefig(path_or_file, format="png", dpi=120)
    return {"font": font, "title": title, "missing": missing}
