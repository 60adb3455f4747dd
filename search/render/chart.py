"""Charts of tool results as PNG, drawn with matplotlib (Agg, no pyplot: no global figure state,
no GUI backend)."""

from __future__ import annotations

import io
import threading

from search.results import agency_label

MAX_PNG_AGENCIES = 30
_PLOT_LOCK = threading.Lock()  # rcParams are global: one chart at a time
CJK_FONTS = ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei")


def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def trend_png(res: dict, path_or_file) -> dict:
    """Draw the trend with matplotlib (Agg): matching reports on top, the share below. Labels
    are in Chinese when a CJK font is installed (Noto Sans CJK SC, WenQuanYi Zen Hei, SimHei),
    else in ASCII only: never fails for lack of a font. Returns {"font": name or None}."""
    import warnings

    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no global figure state, no GUI backend
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    font = _cjk_font()
    by, rows = res["by"], res["rows"]

    rc = {"font.family": "sans-serif"}
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    with _PLOT_LOCK, matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing-glyph warnings, never errors
        matching = "命中的报告" if font else "matching reports"
        others = "其他报告" if font else "other reports"
        fig = Figure(figsize=(10, 6.4))
        top, bottom = fig.subplots(2, 1, sharex=True)
        if by == "year":
            dated = [r for r in rows if r["year"]]
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
            bottom.plot(xs, [r["share"] for r in dated], marker="o", color="#2f855a")
            bottom.xaxis.set_major_locator(MaxNLocator(integer=True))
            xlabel = "年份" if font else "year"
        else:
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
            labels = [
                agency_label(r["agency"]) if font else f"#{i + 1}" for i, r in enumerate(rows)
            ]
            bottom.set_xticks(xs, labels, rotation=40, ha="right", fontsize=8)
            xlabel = "机构" if font else "agency (#n = row n of the table in the terminal/CSV)"
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        top.set_ylabel("报告数" if font else "reports")
        top.legend(loc="upper left", frameon=False)
        if font:
            bottom.set_ylabel("占当年报告的比例" if by == "year" else "占该机构报告的比例")
        else:
            bottom.set_ylabel(f"share of the {by}'s reports")
        bottom.yaxis.set_major_formatter(PercentFormatter(1.0))
        bottom.set_ylim(0, 1.05)
        bottom.set_xlabel(xlabel)
        for ax in (top, bottom):
            ax.grid(axis="y", alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
        q = res["query"]
        if font:
            title = f"“{q}”：命中的报告数及占比" if q else "命中的报告数及占比"
        else:  # a query in Chinese cannot be drawn without a CJK font
            title = f"reports matching {q}" if q and q.isascii() else "matching reports"
        top.set_title(title)
        fig.tight_layout()
        fig.savefig(path_or_file, format="png", dpi=120)
    return {"font": font}


def trend_png_bytes(res: dict) -> bytes:
    buf = io.BytesIO()
    trend_png(res, buf)
    return buf.getvalue()


def stats_png(res: dict, path_or_file) -> dict:
    """Draw `stats`: the figure per year (by year) or per agency in rank order (by agency,
    the first 30), and the rate below when one was asked for. A missing figure is a gap, never
    a bar of 0. Chinese labels when a CJK font is installed, else ASCII. Returns {"font"}."""
    import warnings

    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    font = _cjk_font()
    by, rate = res["by"], res["rate"]
    rows = [r for r in res["rows"] if by == "agency" or r["year"]][:MAX_PNG_AGENCIES]
    rc = {"font.family": "sans-serif"}
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    with _PLOT_LOCK, matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = Figure(figsize=(10, 6.4 if rate else 4.6))
        axes = fig.subplots(2, 1, sharex=True) if rate else [fig.subplots(1, 1)]
        xs = list(range(len(rows)))
        given = [(x, r) for x, r in zip(xs, rows, strict=True) if r["value"] is not None]
        axes[0].bar([x for x, _ in given], [r["value"] for _, r in given], color="#2b6cb0")
        for x, r in given:
            axes[0].annotate(
                f"{r['value']:,}", (x, r["value"]), ha="center", va="bottom", fontsize=8
            )
        axes[0].set_ylabel(res["metric_label"] if font else res["metric"], fontsize=9)
        if rate:
            shown = [(x, r["rate"]["value"]) for x, r in zip(xs, rows, strict=True)]
            shown = [(x, v) for x, v in shown if v is not None]
            axes[1].bar([x for x, _ in shown], [v for _, v in shown], color="#2f855a")
            axes[1].yaxis.set_major_formatter(PercentFormatter(1.0))
            axes[1].set_ylabel(res["rate_label"].split("（")[0] if font else f"{rate} rate")
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
        missing = sum(r["missing"] for r in rows)
        if font:
            title = res["metric_label"] + (
                "（按年份）" if by == "year" else "（按机构，各机构最近一年）"
            )
            if missing:
                title += f"；{missing} 份报告未给出此项，未计入"
        else:
            title = f"{res['metric']} by {by}" + (
                f"; {missing} reports missing it" if missing else ""
            )
        axes[0].set_title(title, fontsize=10)
        for ax in axes:
            ax.grid(axis="y", alpha=0.3)
            ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        fig.savefig(path_or_file, format="png", dpi=120)
    return {"font": font}
