"""Results as text for a terminal: search, reports, show and the journalist tools. Each function returns lines; `style` is
click.style (or anything with its signature; the default adds no styling), applied after
wrapping so escape codes never split. Widths count CJK characters as two columns."""

from __future__ import annotations

import dataclasses
import functools
import re
import textwrap
import unicodedata
from typing import TYPE_CHECKING

from index.settings import NEAR_COPY
from search.results import agency_label, year_label

if TYPE_CHECKING:
    from search.results import ReportDetail, ReportList, SearchResult
    from search.tools.compare import CompareResult
    from search.tools.kwic import KwicResult
    from search.tools.similar import SimilarResult
    from search.tools.stats import StatsResult
    from search.tools.trend import TrendResult


# Characters a terminal obeys rather than shows: C0 controls (ESC starts a sequence that can
# retitle the terminal or rewrite the screen; a newline in a file name forges an output line),
# DEL, C1 controls (a lone 0x9B is CSI) and the bidi overrides that reorder what is shown. Each
# becomes one visible character (␛, ␊, …; U+FFFD for the rest), so highlight offsets still fit.
_SHOWN = {
    **{c: 0x2400 + c for c in range(0x20)},
    0x09: 0x20,
    0x7F: 0x2421,
    **{c: 0xFFFD for c in range(0x80, 0xA0)},
    **{c: 0xFFFD for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}


def printable(s: str) -> str:
    """`s` with nothing a terminal would obey: every printer of text (these renderers, the
    CLI's stderr lines) passes what it prints from data through here. JSON stays exact."""
    return s.translate(_SHOWN)


# In results drawn as text, line breaks and tabs are spacing (wrap treats them so): spaces.
_SHOWN_IN_TEXT = {**_SHOWN, 0x0A: 0x20, 0x0D: 0x20}


def printable_data(obj):
    """Every string inside `obj` (dicts, lists, tuples, dataclasses) made `printable`, its line
    breaks and tabs made spaces."""
    if isinstance(obj, str):
        return obj.translate(_SHOWN_IN_TEXT)
    if isinstance(obj, dict):
        return {k: printable_data(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [printable_data(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(printable_data(v) for v in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = [f for f in dataclasses.fields(obj) if f.init]
        return dataclasses.replace(
            obj, **{f.name: printable_data(getattr(obj, f.name)) for f in fields}
        )
    return obj


def for_terminal(render):
    """A renderer that sees its results with every string `printable`."""

    @functools.wraps(render)
    def wrapper(res, *args, **kwargs):
        return render(printable_data(res), *args, **kwargs)

    return wrapper


def _plain(s: str, **_) -> str:
    return s


def cols(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def fit(s: str, width: int) -> str:
    """`s` cut (ending in …) or padded to `width` display columns."""
    if cols(s) > width:
        out = ""
        for c in s:
            if cols(out) + cols(c) > width - 1:
                break
            out += c
        s = out + "…"
    return s + " " * (width - cols(s))


# Line-breaking rules of Chinese typesetting (禁则): these never start a line …
NO_START = set("，。、；：？！）》」』】〉〕”’…·‰％,.;:?!)]}%")
# … and these never end one.
NO_END = set("（《「『【〈〔“‘([{")
_IN_WORD = re.compile(r"[0-9A-Za-z.,%]")  # a number or a Latin word is never cut in two


def _break_at(flat: str, a: int, i: int) -> int:
    """Where to break a line that would run from `a` past `i`: at `i`, or earlier so that the
    next line starts with no closing punctuation and this one ends with no opening one."""
    j = i
    while j - 1 > a and (
        flat[j] in NO_START
        or flat[j - 1] in NO_END
        or (_IN_WORD.match(flat[j - 1]) and _IN_WORD.match(flat[j]))  # 13.4%, GDP: one word
    ):
        j -= 1
    return j if j - 1 > a else i


def wrap(
    text: str,
    marked: list[tuple[int, int]],
    width: int = 70,
    max_lines: int | None = None,
    start: int = 0,
    style=_plain,
    **mark_style,
) -> list[str]:
    """`text[start:]` wrapped to `width` columns, the `marked` ranges styled; at most
    `max_lines` lines (the last ends in … when cut). No line starts with closing punctuation
    or ends with opening punctuation: the character before moves down with it."""
    flat = text.replace("\n", " ")
    lines, a, c = [], start, 0
    for i in range(start, len(flat)):
        w = cols(flat[i])
        if c + w > width:
            j = _break_at(flat, a, i)
            lines.append((a, j))
            a, c = j, cols(flat[j:i])
        c += w
    lines.append((a, len(flat)))
    cut = max_lines is not None and len(lines) > max_lines
    if cut:
        lines = lines[:max_lines]
    out = []
    for n, (a, b) in enumerate(lines):
        parts, pos = [], a
        for s, e in marked:
            if e <= a or s >= b:
                continue
            s, e = max(s, a), min(e, b)
            parts += [flat[pos:s], style(flat[s:e], **mark_style)]
            pos = e
        parts.append(flat[pos:b])
        line = "".join(parts)
        if n == 0 and start:
            line = "…" + line
        if cut and n == len(lines) - 1:
            line += "…"
        out.append(line)
    return out


def _meta(*parts) -> str:
    return " · ".join(str(p) for p in parts if p)


def snippet(h, style=_plain, before: int = 20, width: int = 70, max_lines: int = 3) -> list[str]:
    """A window of a hit's passage from `before` characters ahead of its first match, the
    hit's highlight spans styled."""
    found = [tuple(x) for x in h["spans"]]
    start = max(0, found[0][0] - before) if found else 0
    return wrap(h["text"], found, width, max_lines, start, style, fg="yellow", bold=True)


# -- search, reports, show ----------------------------------------------------------------------
def _facet_line(name: str, items, style, n: int = 8) -> str:
    label = year_label if name == "year" else agency_label
    shown = " · ".join(f"{label(i['value'])} {i['count']}" for i in items[:n])
    more = f" · … {len(items) - n} more" if len(items) > n else ""
    return f"  {style(name, bold=True)}: {shown}{more}"


@for_terminal
def search_lines(res: SearchResult, style=_plain) -> list[str]:
    total, reports, hits = res.total, res.reports, res.hits
    q = res.query or "(filters only)"
    if not total:
        return [f"No passages match {q}."]
    first = res.offset + 1
    out = [
        style(f"{q}", bold=True)
        + f" — {total} passages in {reports} reports"
        + (f" (showing {first}–{res.offset + len(hits)})" if hits else ""),
        "",
    ]
    for i, h in enumerate(hits, first):
        out.append(f"{i:>3}. " + style(h["title"], bold=True))
        meta = _meta(
            agency_label(h["agency"]),
            year_label(h["year"]),
            h["section"],
            h["heading"],
            "〔OCR〕" if h.get("ocr") else "",
        )
        out.append("     " + style(meta, fg="cyan"))
        out += ["     " + line for line in snippet(h, style, before=40)]
        out.append(
            style(f"     {h['source']}  ·  show {h['report_id']}  ·  score {h['score']}", dim=True)
        )
        out.append("")
    facets = res.facets
    out.append(style("Matching reports by", bold=True))
    out.append(_facet_line("agency", facets["agency"], style))
    out.append(_facet_line("year", facets["year"], style, 12))
    out.append(_facet_line("section", facets["section"], style, 13))
    return out


@for_terminal
def reports_lines(res: ReportList, style=_plain, agency_width: int = 28) -> list[str]:
    """One line per report, the agency column padded to one display width (a Chinese
    character takes two columns), so the titles line up."""
    agencies = [agency_label(r["agency"]) for r in res.reports]
    aw = min(max((cols(a) for a in agencies), default=0), agency_width)
    return [
        f"{r['report_id']}  {r['year'] or '----'}  {style(fit(a, aw), fg='cyan')}  "
        f"{r['title']}  ({r['passages']} passages)"
        for r, a in zip(res.reports, agencies, strict=True)
    ]


@for_terminal
def show_lines(res: ReportDetail, style=_plain) -> list[str]:
    r = res.report
    facts = (r["agency"], r["year"], r["published"], r["source"], r["url"])
    out = [style(r["title"], bold=True), style(_meta(*facts), fg="cyan")]
    section = None
    for p in res.passages:
        if p["section"] != section:
            section = p["section"]
            out.append("\n" + style(f"[{section}]", fg="green"))
        out.append(p["text"] + (style(" 〔OCR〕", dim=True) if p.get("ocr") else ""))
    return out


# -- compare ------------------------------------------------------------------------------------
@for_terminal
def compare_lines(res: CompareResult, style=_plain) -> list[str]:
    by = res.by
    q = res.query or "(filters only)"
    if not res.results:
        return [f"No passages match {q}."]
    groups = "agencies" if by == "agency" else "years"
    shown = len(res.results)
    head = (
        style(q, bold=True)
        + f" — the best passage of each of {res.groups} {groups}"
        + (f" (top {shown} shown)" if shown < res.groups else "")
        + (", oldest first" if res.order == "year" else ", most relevant first")
        + f"; {res.total} passages in {res.reports} reports match"
    )
    out = [head, ""]
    num_w = len(str(shown))
    pad = " " * (num_w + 3)
    for i, r in enumerate(res.results, 1):  # listed in the order asked (relevance or year)
        counts = (
            f"{r['matching_reports']} report{'s' if r['matching_reports'] != 1 else ''}, "
            f"{r['matching_passages']} passage{'s' if r['matching_passages'] != 1 else ''} match"
        )
        out.append(
            f" {i:>{num_w}}. "
            + style(r["label"], bold=True, fg="cyan")
            + "  "
            + style(counts, dim=True)
        )
        other = agency_label(r["agency"]) if by == "year" else (year_label(r["year"]))
        meta = _meta(other, f"《{r['title']}》", r["section"], r["heading"])
        out.append(pad + fit(meta, 74).rstrip())
        out += [pad + line for line in snippet(r, style)]
        out.append(pad + style(r["citation"], dim=True))
        out.append("")
    return out


# -- trend --------------------------------------------------------------------------------------
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int) -> str:
    """A block bar `fraction` (0..1) of `width` cells long, to an eighth of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


@for_terminal
def trend_lines(
    res: TrendResult, style=_plain, bar_width: int = 24, share_width: int = 20
) -> list[str]:
    """Per row: label, a bar of the matching reports (scaled to the largest count),
    `matching / all`, a bar of the share (scaled to 100%) and the share in %. Years with no
    reports in the index between two that have some are shown as a gap, never skipped; runs of
    years without matches are one line. Reports of no known year come last, apart and without a count bar: they are not a year, and a pile of
    them would otherwise set the scale for every real year."""
    by, rows = res.by, res.rows
    q = res.query or "(filters only)"
    if not rows:
        return ["No reports in the index pass these filters."]
    if by == "year":
        labels = [year_label(r["year"]) for r in rows]
    else:
        labels = [agency_label(r["agency"]) for r in rows]
    label_w = min(max(cols(x) for x in labels), 28)
    dated = [r for r in rows if by != "year" or r["year"]]
    top = max((r["reports"] for r in dated), default=0) or 1
    num_w = len(str(max(r["all_reports"] for r in rows)))
    count_w = 2 * num_w + 3
    out = [
        style(q, bold=True)
        + f" — {res.reports} of {res.all_reports} reports match"
        + f" ({res.total} passages)",
        "",
        style(
            fit("", label_w)
            + "  "
            + fit("matching reports", bar_width + 1 + count_w)
            + "  "
            + f"share of that {by}'s reports",
            dim=True,
        ),
    ]
    # A run of rows without matches, shown as one line; years with no reports at all inside
    # it are part of the run (label "" and the gap's text).
    quiet: list[tuple[str, dict | str]] = []

    def gap_line(text: str) -> str:
        return style(f"{text:<{label_w}}  (no reports in the index)", dim=True)

    def flush() -> None:
        rows_ = [(label, r) for label, r in quiet if isinstance(r, dict)]
        if len(rows_) < 3:
            out.extend(row_line(lb, r) if isinstance(r, dict) else gap_line(r) for lb, r in quiet)
        else:
            n = sum(r["all_reports"] for _, r in rows_)
            span = f"{rows_[0][0]}–{rows_[-1][0]}" if by == "year" else f"{len(rows_)} more"
            what = "years" if by == "year" else "agencies"
            if len(quiet) > len(rows_):  # gaps inside: how many of the span's years have any
                years = rows_[-1][1]["year"] - rows_[0][1]["year"] + 1
                what = f"of these {years} years"
            out.append(
                style(f"{span}  no matching reports ({n} reports in {len(rows_)} {what})", dim=True)
            )
        quiet.clear()

    def row_line(label: str, r: dict) -> str:
        if by == "year" and not r["year"]:
            counted = style(fit("(apart: no year known)", bar_width), dim=True)
        else:
            counted = style(bar(r["reports"] / top, bar_width), fg="cyan")
        return (
            fit(label, label_w)
            + "  "
            + counted
            + " "
            + f"{r['reports']:>{num_w}} / {r['all_reports']:<{num_w}}"
            + "  "
            + style(bar(r["share"], share_width), fg="green")
            + f" {r['share'] * 100:5.1f}%"
        )

    last = None  # the year of the row before: years with no reports at all are a gap
    for label, r in zip(labels, rows, strict=True):
        quiet_row = not r["reports"] and (by == "agency" or r["year"])
        if by == "year" and r["year"] and last and r["year"] - last > 1:
            gap = f"{last + 1}" if r["year"] - last == 2 else f"{last + 1}–{r['year'] - 1}"
            if quiet and quiet_row:
                quiet.append(("", gap))  # inside a quiet run
            else:
                flush()
                out.append(gap_line(gap))
        if by == "year" and r["year"]:
            last = r["year"]
        if quiet_row:
            quiet.append((label, r))
            continue
        flush()
        if by == "year" and not r["year"]:
            out.append("")
        out.append(row_line(label, r))
    flush()
    return out


# -- kwic ---------------------------------------------------------------------------------------
@for_terminal
def kwic_lines(res: KwicResult, style=_plain) -> list[str]:
    """Left contexts right-aligned so the matches line up, then agency · year · passage id;
    with several terms, each term's concordance in turn under its own heading."""
    rows = res.occurrences
    if not rows:
        return [f"No occurrences of {res.match}."]
    left_w = max(cols(r["left"]) for r in rows)
    right_w = max(cols(r["right"]) for r in rows)
    terms = res.terms or []
    out: list[str] = []
    heading = None
    for r in rows:
        if len(terms) > 1 and r["term"] != heading:
            heading = r["term"]
            total = next(t["total"] for t in terms if t["term"] == heading)
            out += [""] if out else []
            out.append(style(f"{heading}: {total} occurrences", bold=True))
        left = " " * (left_w - cols(r["left"])) + r["left"]
        right = r["right"] + " " * (right_w - cols(r["right"]))
        where = f"{agency_label(r['agency'])} {r['year'] or '----'} {r['passage_id'][:8]}"
        out.append(
            f"{left} {style(r['match'], fg='yellow', bold=True)} {right}  {style(where, dim=True)}"
        )
    shown = len(rows)
    what = res.match
    if len(terms) > 1:
        missing = [t["term"] for t in terms if not t["total"]]
        what = " and ".join(t["term"] for t in terms)
        if missing:
            what += f" (none of {', '.join(missing)})"
    summary = (
        f"{res.total} occurrences of {what} in {res.passages} passages of "
        f"{res.reports} reports"
        + (f" (first {shown} shown)" if shown < res.total else "")
        + f", sorted by {res.sort}"
    )
    return [*out, "", style(summary, dim=True)]


# -- similar ------------------------------------------------------------------------------------
def segments_marked(segments) -> tuple[str, list[tuple[int, int]]]:
    """A text cut into ["same" | "diff", text] segments, as (the whole text, the character
    ranges of its "diff" segments) for `wrap` to style."""
    marked, pos = [], 0
    for kind, chunk in segments:
        if kind == "diff" and chunk.strip():
            marked.append((pos, pos + len(chunk)))
        pos += len(chunk)
    return "".join(chunk for _, chunk in segments), marked


@for_terminal
def similar_lines(res: SimilarResult, style=_plain, max_lines: int = 6) -> list[str]:
    src = res.passage
    out = [
        style("Passages like", bold=True)
        + " "
        + style(src["passage_id"], bold=True)
        + style(f"  ({agency_label(src['agency'])} · {year_label(src['year'])})", fg="cyan"),
    ]
    out += ["  " + line for line in wrap(src["text"], [], 70, max_lines)]
    out.append("  " + style(src["citation"], dim=True))
    out.append("")
    if not res.results:
        return [*out, "No similar passages in other reports."]
    note = (
        "Most similar first; in each, the wording that differs from the passage above is "
        "highlighted."
    )
    best = res.results[0]["similarity"]
    if best < NEAR_COPY:
        note += (
            f" None is a near copy: the closest shares {best * 100:.0f}% of its wording"
            f" (near copies score {NEAR_COPY * 100:.0f}% and more)."
        )
    out += [style(line, dim=True) for line in textwrap.wrap(note, 78)] + [""]
    num_w = len(str(len(res.results)))
    pad = " " * (num_w + 3)
    for r in res.results:
        pct = f"{r['similarity'] * 100:.0f}% similar"
        out.append(
            f" {r['rank']:>{num_w}}. "
            + style(pct, bold=True)
            + "  "
            + style(_meta(agency_label(r["agency"]), year_label(r["year"])), fg="cyan")
            + "  "
            + _meta(f"《{r['title']}》", r["section"])
        )
        if r["similarity"] >= 1.0:
            out.append(pad + style("the same wording as the passage above", fg="green"))
        else:
            text, diff = segments_marked(r["segments"])
            out += [
                pad + line
                for line in wrap(text, diff, 70, max_lines, 0, style, fg="yellow", bold=True)
            ]
            if r["shared"]:
                runs = len(r["shared"])
                head = (
                    f"shared: {r['shared_chars']} characters; longest of {runs} runs: "
                    if runs > 1
                    else f"shared: {r['shared_chars']} characters: "
                )
                run = " ".join(r["shared"][0].split())
                longest = fit(f"“{run}”", 72 - cols(head)).rstrip()
                out.append(pad + style(head, dim=True) + longest)
        out.append(pad + style(r["citation"], dim=True))
        out.append("")
    return out


def _figure(v) -> str:
    """A figure as printed: integers as they are, amounts to two decimals, None as —."""
    if v is None:
        return "—"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.2f}"
    return f"{int(v):,}"


def _signed(v, pct: float | None = None) -> str:
    if v is None:
        return "—"
    out = ("+" if v > 0 else "") + _figure(v)
    if pct is not None:
        out += f" ({pct:+.0%})"
    return out


def _rate(r: dict | None) -> str:
    if not r or r["value"] is None:
        return "—"
    return f"{r['value']:.1%} ({_figure(r['numerator'])}/{_figure(r['denominator'])})"


def _n_reports(n: int) -> str:
    return f"{n} report{'s' if n != 1 else ''}"


@for_terminal
def stats_lines(res: StatsResult, style=_plain) -> list[str]:
    """The ranked table of `stats`: a line per agency (year) with its figure, the change on
    the year before and the rate; then the coverage, the missing figures and, marked, every
    printed total that disagrees with its parts."""
    by, rows, cov = res.by, res.rows, res.coverage
    what = res.metric_label + f" ({res.metric})"
    scope = " ".join(
        [f"“{res.query}”"] * bool(res.query)
        + [f"{k}:{getattr(res, k)}" for k in ("agency", "year") if getattr(res, k)]
    )
    scope = scope or "all reports"
    out = [style(what, bold=True) + f" — by {by}, {scope}"]
    out.append(
        f"{cov['matched']} reports selected: {cov['with_tables']} with readable statistics tables, "
        f"{cov['without_tables']} without"
    )
    if cov["missing"]:
        out.append(
            style(
                f"{cov['missing']} of the reports with tables do not give this figure (null): "
                "left out of every sum, not counted as 0",
                fg="yellow",
            )
        )
    if not rows:
        out.append("No reports with readable statistics tables among them.")
    else:
        labels = [r["label"] for r in rows]
        label_w = min(max(cols(x) for x in labels), 30)
        head = ["#", fit(by, label_w)]
        if by == "agency":
            head.append("year")
        head += ["value", "year before", "change"]
        if by == "year":
            head.append("reports")
        head.append("missing")
        several = len(res.formats or {}) > 1
        if several:
            head.append("format")
        if res.rate:
            head.append(res.rate)
        table = []
        notes: list[str] = []  # changes between sums of different numbers of reports
        for r in rows:
            line = [str(r["rank"]), fit(r["label"], label_w)]
            if by == "agency":
                line.append(year_label(r["year"]))
            unlike = r.get("counted") != r.get("previous_counted") and r["change"] is not None
            line += [
                _figure(r["value"]),
                _figure(r["previous"]),
                _signed(r["change"], r["change_pct"]) + (" *" if unlike else ""),
            ]
            if unlike:
                notes.append(
                    f"* {r['label']}: {_n_reports(r['counted'])} summed against "
                    f"{_n_reports(r['previous_counted'])} in {r['previous_year']}: "
                    "not like with like"
                )
            if by == "year":
                line.append(str(r["reports"]))
            line.append(str(r["missing"]) if r["missing"] else "")
            if several:
                line.append("+".join(r.get("formats") or []))
            if res.rate:
                line.append(_rate(r.get("rate")))
            table.append((line, r["checks"]))
        widths = [
            max(cols(x) for x in col) for col in zip(head, *[t for t, _ in table], strict=True)
        ]

        def joined(cells: list[str]) -> str:
            parts = [
                fit(c, w) if i < 2 else " " * (w - cols(c)) + c
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ]
            return "  ".join(parts).rstrip()

        out += ["", style(joined(head), dim=True)]
        for line, n_checks in table:
            text = joined(line)
            out.append(text + (style(f"  ! {n_checks} check(s)", fg="red") if n_checks else ""))
        out += [style(n, fg="yellow") for n in notes]
    for note in res.format_notes or []:
        out += ["", style("format: " + note, fg="yellow")]
    if res.checks:
        out += [
            "",
            style(
                f"! {len(res.checks)} printed total(s) disagree with their parts:",
                fg="red",
                bold=True,
            ),
        ]
        for c in res.checks:
            out.append(
                f"  {agency_label(c['agency'])} {year_label(c['year'])}  {c['rule']}: "
                f"printed {_figure(c['printed'])}, parts add up to {_figure(c['computed'])}"
                f"  [{c['report_id']}]"
            )
    else:
        out += ["", style("checks: every printed total agrees with its parts", dim=True)]
    if res.unread:
        out += [
            "",
            style(f"{len(res.unread)} selected reports without readable tables:", dim=True),
        ]
        out += [
            style(f"  {agency_label(u['agency'])} {year_label(u['year'])}  {u['title']}", dim=True)
            for u in res.unread[:10]
        ]
        if len(res.unread) > 10:
            out.append(
                style(f"  … and {len(res.unread) - 10} more (--json lists them all)", dim=True)
            )
    return out
