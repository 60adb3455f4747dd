"""`diff` and `reuse` as text for a terminal (see search/render/text.py for the conventions:
lines returned, `style` is click.style applied after wrapping)."""

from __future__ import annotations

from search.render.text import fit, for_terminal, segments_marked, wrap
from search.results import agency_label, year_label


def _plain(s: str, **_) -> str:
    return s


def _meta(*parts) -> str:
    return " · ".join(str(p) for p in parts if p)


STATUS_WORDS = {
    "verbatim": "verbatim",
    "same_but_figures": "same but figures",
    "changed": "changed",
    "new": "new",
}
STATUS_COLOURS = {
    "verbatim": "red",
    "same_but_figures": "magenta",
    "changed": "yellow",
    "new": "green",
}


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def _who(side) -> str:
    return _meta(agency_label(side["agency"]), year_label(side["year"]), side["report_id"])


def _figure(v) -> str:
    if v is None:
        return "—"
    return f"{v:,}" if isinstance(v, int) else f"{v:,.2f}"


@for_terminal
def diff_lines(res, style=_plain, max_lines: int = 4) -> list[str]:
    old, new, reuse, counts = res["old"], res["new"], res["reuse"], res["counts"]
    out = [
        style("NEW ", bold=True) + style(new["title"] or "", bold=True) + "  " + _who(new),
        style("OLD ", dim=True) + (old["title"] or "") + "  " + _who(old),
        "",
        style(
            f"Reuse: {pct(reuse['verbatim'])} of NEW's sentence text repeats OLD word for word, "
            f"{pct(reuse['same_but_figures'])} is the same but for its figures",
            bold=True,
        ),
        style(
            f"       (near-copies, a few words changed, another {pct(res['near'])}; "
            f"{counts['total_sentences']} sentences, {counts['total_chars']:,} characters)",
            dim=True,
        ),
        "Passages: "
        + ", ".join(f"{n} {STATUS_WORDS[k]}" for k, n in res["statuses"].items())
        + f"; {len(res['dropped'])} of OLD's dropped",
        "",
    ]
    for p in res["passages"]:
        status = p["status"]
        head = style(f"[{STATUS_WORDS[status]}]", fg=STATUS_COLOURS[status], bold=True)
        out.append(head + " " + style(_meta(p["section"], p["heading"]), fg="cyan"))
        if status == "verbatim":
            out += ["  " + line for line in wrap(p["text"], [], 72, 1)]
        else:
            text, marked = segments_marked(p["segments"])
            lines = wrap(text, marked, 72, max_lines, 0, style, fg="yellow", bold=True)
            out += ["  " + line for line in lines]
    if res["dropped"]:
        out += ["", style(f"Dropped from OLD ({len(res['dropped'])}):", bold=True)]
        for p in res["dropped"]:
            out.append(style(_meta(p["section"], p["heading"]), fg="cyan"))
            out += ["  " + line for line in wrap(p["text"], [], 72, 2)]
    moved = [f for f in res["figures"] if f["old"] != f["new"]]
    if res["figures"]:
        same = len(res["figures"]) - len(moved)
        out += [
            "",
            style("Figures (standard tables) that moved", bold=True)
            + style(f"  ({same} unchanged; --json lists every one)", dim=True),
        ]
        for f in moved:
            change = f["change"]
            sign = (
                ""
                if change is None
                else (f"{change:+,}" if isinstance(change, int) else f"{change:+,.2f}")
            )
            out.append(
                "  "
                + fit(f["label"], 44)
                + f"{_figure(f['old']):>10} → {_figure(f['new']):>10}  "
                + (style(sign, fg="yellow") if change else sign)
            )
    else:
        out += ["", style("Figures: neither report has readable statistics tables.", dim=True)]
    return out


@for_terminal
def reuse_lines(res, style=_plain) -> list[str]:
    rows = res["rows"]
    out = [
        style(
            f"{res['pairs']} of {res['reports']} reports have an earlier report of their agency",
            bold=True,
        ),
        style(
            "verbatim / but figures: share of the report's sentence text repeating its agency's "
            "previous report; other agency: the other agency's report it shares most text with",
            dim=True,
        ),
        "",
    ]
    if not rows:
        return [*out, "No reports to list."]
    num_w = len(str(len(rows)))
    out.append(
        " " * (num_w + 2)
        + fit("report", 34)
        + fit("previous", 12)
        + f"{'verbatim':>9}{'figures':>9}  other agency"
    )
    for r in rows:
        reuse = r["reuse"]
        who = fit(_meta(agency_label(r["agency"]), year_label(r["year"])), 34)
        prev = fit(year_label(r["previous_year"]) if r["previous_report_id"] else "—", 12)
        v = pct(reuse["verbatim"]) if reuse else "—"
        f = pct(reuse["same_but_figures"]) if reuse else "—"
        o = r["other_agency"]
        other = (
            f"{pct(o['share'])} {agency_label(o['agency'])} {year_label(o['year'])}" if o else "—"
        )
        out.append(
            f"{r['rank']:>{num_w}}. "
            + style(who, fg="cyan")
            + prev
            + style(f"{v:>9}", bold=True)
            + f"{f:>9}  "
            + other
        )
        ids = f"{r['report_id']}"
        if r["previous_report_id"]:
            years = f"{year_label(r['previous_year'])} → {year_label(r['year'])}"
            ids = f"diff {r['previous_report_id']} {r['report_id']}   ({years})"
        out.append(" " * (num_w + 2) + style(ids, dim=True))
    return out
