"""gongkai command line: a thin layer over corpus/, index/ and search/.

Exit codes: 0 ok · 1 unexpected internal error · 2 usage error (bad option, malformed query
or one past the cost bounds or time budget, missing index, unknown report, busy port) · 3 ingest
finished but some files failed · 4 index busy · 5 search cluster unavailable (a node down or
unreachable, named in the message) · 6 the index could not be written or read (disk full,
read-only, damaged)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from corpus.discover import read_types
from index import settings
from search.choices import (
    BY,
    COMPARE_ORDERS,
    EXPORT_ORDERS,
    KWIC_SORTS,
    REUSE_SORTS,
    STATS_RATES,
    STATS_SORTS,
)
from search.exits import Exit

if TYPE_CHECKING:
    from search.backend import SearchEngine

T = TypeVar("T")

DEFAULT_INDEX = "var/index"
_opened: list[str] = []  # the index this command works on, to diagnose a fault (see run)


def _remember_engine(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.meta["gongkai.engine"] = value
        ctx.meta["gongkai.engine_from_env"] = (
            ctx.get_parameter_source(param.name) == click.core.ParameterSource.ENVIRONMENT
        )


def _index_option(f):
    f = click.option(
        "--engine",
        envvar="GONGKAI_ENGINE",
        expose_value=False,
        callback=_remember_engine,
        metavar="sphinxql://HOST:PORT[,HOST:PORT…]/NAME",
        help="Use a Sphinx/Manticore cluster instead of the local index (or set GONGKAI_ENGINE).",
    )(f)
    return click.option(
        "--index",
        "index_dir",
        envvar="GONGKAI_INDEX",
        default=DEFAULT_INDEX,
        show_default=True,
        type=click.Path(file_okay=False),
        help="Index folder (or set GONGKAI_INDEX).",
    )(f)


def _once(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> str | None:
    """A filter option given twice is refused, not silently narrowed to the last one."""
    if len(values) > 1:
        name = param.opts[0]
        either = " OR ".join(f"{name[2:]}:{v}" for v in values)
        hint = f" or a range ({name} 2015-2016)" if name == "--year" else ""
        raise click.BadParameter(
            f"given {len(values)} times; give it once{hint}, or write ({either}) in the query",
            ctx,
            param,
        )
    return values[0] if values else None


def _filter_options(f):
    """--agency/--year/--section, once each (inline filters in the query work too)."""
    for name, text in (
        ("--section", "A section label, e.g. 主动公开 or 依申请公开."),
        ("--year", "A year (2015) or range (2010-2015) the report covers."),
        ("--agency", "Only reports whose agency contains this text."),
    ):
        f = click.option(name, multiple=True, callback=_once, help=text)(f)
    return f


def _json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(f)


def say(message: str) -> None:
    """One line on stderr, with nothing from data a terminal would obey (file names, reasons,
    error texts: search/render/text.py's `printable`)."""
    from search.render.text import printable

    click.echo(printable(message), err=True)


def fail(message: str, code: int = Exit.USAGE) -> NoReturn:
    say(f"error: {message}")
    sys.exit(code)


def _cluster() -> str | None:
    """The cluster address given by --engine or GONGKAI_ENGINE, if any (the one place that
    decides between the local index and a cluster)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return None
    spec = ctx.meta.get("gongkai.engine")
    if spec and ctx.meta.get("gongkai.engine_from_env"):
        # `--index DIR` typed on the command line outranks GONGKAI_ENGINE from the environment
        if ctx.get_parameter_source("index_dir") == click.core.ParameterSource.COMMANDLINE:
            return None
    if spec and not spec.startswith("sphinxql://"):
        fail(f"--engine must be a sphinxql://HOST:PORT[,HOST:PORT…]/NAME address, not {spec!r}")
    return spec


def _engine(index_dir: str, time_budget: float | None = None) -> SearchEngine:
    from search.engine import Engine

    if address := _cluster():
        from search.cluster.engine import ClusterEngine

        try:
            return ClusterEngine(address, time_budget=time_budget)
        except ValueError as e:  # a bad GONGKAI_TIME_BUDGET
            fail(f"GONGKAI_TIME_BUDGET: {e}")
    _opened.append(index_dir)
    try:
        return Engine(index_dir, time_budget=time_budget)
    except ValueError as e:  # a bad GONGKAI_TIME_BUDGET
        fail(f"GONGKAI_TIME_BUDGET: {e}")


def _print_json(obj) -> None:
    _emit(obj, as_json=True)


def _emit(res, as_json: bool = False, as_csv: bool = False, *, text=None, csv=None) -> None:
    """Print a result as --json, --csv or the terminal's text asks (search/render `output`)."""
    from search.render import output

    fmt = "json" if as_json else "csv" if as_csv else "text"
    for chunk in output(res, fmt, text=text, csv=csv, style=click.style):
        click.echo(chunk, nl=False)


_AS_ARGUMENT = "\ue000"  # a private-use mark: "this token is an argument, not an option"


class Command(click.Command):
    """A command whose argument may start with '-': `search '-收费 依申请公开'` is a query
    that excludes 收费, not an unknown option `-收`. A token is taken as an argument when it
    starts with a single '-' that no option of the command owns and holds more than an
    option could (a non-letter after the dash, a space, non-ASCII text), unless it is the value
    of the option before it. `--` still ends the options; `-abc` is still an unknown option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value: set[str] = set()
        short: set[str] = set()
        for p in self.params:
            if isinstance(p, click.Option):
                names = [*p.opts, *p.secondary_opts]
                short.update(n for n in names if len(n) == 2)
                if not p.is_flag and not p.count:
                    takes_value.update(names)
        marked, previous = [], None
        for i, a in enumerate(args):
            if a == "--":
                marked.extend(args[i:])
                break
            if previous not in takes_value and _looks_like_argument(a, short):
                a = _AS_ARGUMENT + a
            marked.append(a)
            previous = a
        rest = super().parse_args(ctx, marked)
        for name, value in ctx.params.items():
            if isinstance(value, str) and value.startswith(_AS_ARGUMENT):
                ctx.params[name] = value[1:]
        return [a.removeprefix(_AS_ARGUMENT) for a in rest]


def _looks_like_argument(token: str, short_options: set[str]) -> bool:
    if len(token) < 2 or token[0] != "-" or token[1] == "-" or token[:2] in short_options:
        return False
    return not (token[1].isascii() and token[1].isalpha()) or not token.isascii() or " " in token


class Group(click.Group):
    command_class = Command

    def invoke(self, ctx: click.Context):
        try:
            rv = super().invoke(ctx)
            sys.stdout.flush()  # here, so a pipe closed early is caught below
            return rv
        except BrokenPipeError:  # `search … | head`: the reader has all it wants
            _quiet_stdout()
            sys.exit(Exit.OK)
        except EOFError as e:  # (a truncated index file) Click would print a bare "Aborted!"
            raise _Truncated() from e


class _Truncated(Exception):
    pass


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush into a closed pipe is silent."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version, as click's version_option prints it; the version is read only here."""
    if not value or ctx.resilient_parsing:
        return
    from index.settings import VERSION

    click.echo(f"gongkai, version {VERSION}")
    ctx.exit()


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
def main() -> None:
    """Full-text search over government information-disclosure reports."""


# -- ingest ---------------------------------------------------------------------------------------
class _Bar:
    """A progress bar on stderr, only when stderr is a terminal: it fills by bytes (so one big
    JSONL dump moves it too) and shows files done and MB."""

    def __init__(self) -> None:
        self.bar: Any = None  # a click progress bar, once there is something to show
        self.label = ""
        self.enabled = sys.stderr.isatty()

    def __call__(self, files: int, done: int, total_files: int, total_bytes: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=max(1, total_bytes),
                label="ingesting",
                file=sys.stderr,
                show_percent=True,
                item_show_func=lambda info: info or "",
            )
            self.bar.__enter__()
        self.label = f"{files}/{total_files} files  {done / 1e6:.1f}/{total_bytes / 1e6:.1f} MB"
        self.bar.update(max(0, done - self.bar.pos), self.label)

    def ocr_page(self, done: int, pages: int) -> None:
        """A scanned file is read page by page through OCR (seconds a page): show the pages."""
        if self.bar is not None and pages:
            self.bar.current_item = f"{self.label}  OCR page {min(done + 1, pages)}/{pages}"
            self.bar.render_progress()

    def committing(self) -> None:
        """Writing the batch to disk takes seconds (at 100 % after the last file): say so."""
        if self.bar is not None:
            self.bar.current_item = f"{self.label}  committing …"
            self.bar.render_progress()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command(
    help=f"Ingest report files ({read_types()}; folders are walked) into the index. Each "
    "is read by what its bytes are, whatever its name says; scanned pages (images, PDFs "
    "without a text layer) are read through OCR; NAME.url or NAME.json beside a file gives "
    "its URL and fields."
)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_index_option
@click.option(
    "--max-mb",
    default=float(settings.SETTINGS["MAX_MB"].default),
    show_default=True,
    type=click.FloatRange(min=0.001),
    help="Files (and JSONL lines) larger than this are refused as too large.",
)
@click.option("--prune", is_flag=True, help="Remove reports whose source file no longer exists.")
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Read symlinks that point outside the folders given (skipped and named by default).",
)
@click.option(
    "--ocr-cache",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the OCR text of scanned pages [default: inside the index]; keep it outside "
    "to reuse it when the index is deleted and rebuilt.",
)
@click.option(
    "--ocr-workers",
    type=click.IntRange(min=0),
    default=0,
    help="Processes reading scanned pages through OCR [default: 0 = one per core].",
)
@click.option(
    "--lock-timeout",
    default=settings.LOCK_TIMEOUT,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds to wait for another ingest to release the index.",
)
@_json_option
def ingest(
    paths, index_dir, max_mb, prune, follow_symlinks, ocr_cache, ocr_workers, lock_timeout, as_json
):
    from index.writer import ingest as run

    _opened.append(index_dir)

    def on_error(source: str, reason: str) -> None:
        bar.clear_line()
        say(f"{source}: {reason}")

    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:  # before the index is created: a typo must not leave an empty index behind
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        fail(f"no such file or folder: {missing[0]}{more}")
    bar = _Bar()
    bar.clear_line = lambda: click.echo("\r\x1b[K", err=True, nl=False) if bar.bar else None
    try:
        address = _cluster()
        if address:
            from index.cluster.writer import ClusterStore

            store, index_dir = ClusterStore(address), address
        else:
            store = None
        stats = run(
            list(paths),
            index_dir,
            store=store,
            max_mb=max_mb,
            prune=prune,
            follow_symlinks=follow_symlinks,
            lock_timeout=lock_timeout,
            on_error=on_error,
            progress=bar,
            on_commit=bar.committing,
            ocr_cache=ocr_cache,
            ocr_workers=ocr_workers,
            on_ocr_page=bar.ocr_page,
        )
    except KeyboardInterrupt:
        bar.close()
        fail(
            "interrupted; the index holds everything committed before the interrupt",
            Exit.INTERRUPTED,
        )
    finally:  # (a fault is one line, search/faults.py, after the bar)
        bar.close()
    for path, reason in stats.skipped:
        say(f"{path}: skipped, {reason}")
    summary = (
        f"ingested {stats.ingested}, unchanged {stats.unchanged}, skipped {len(stats.skipped)}, "
        f"failed {len(stats.failed)}"
    )
    if stats.removed:
        summary += f", removed {len(stats.removed)}"
    if stats.copies:
        summary += f", copies {len(stats.copies)}"
    if stats.repaired:
        summary += f", {stats.repaired} duplicate documents removed"
    if stats.ocr_pages or stats.ocr_cached:
        summary += f", {stats.ocr_pages} pages read through OCR"
        summary += f" ({stats.ocr_cached} more from its cache)" if stats.ocr_cached else ""
    summary += f" ({stats.passages} passages, {stats.bytes / 1e6:.1f} MB in {stats.seconds:.1f}s) → {index_dir}"
    if as_json:
        _print_json(
            {
                "ingested": stats.ingested,
                "unchanged": stats.unchanged,
                "passages": stats.passages,
                "skipped": [{"path": p, "reason": r} for p, r in stats.skipped],
                "failed": [{"path": p, "reason": r} for p, r in stats.failed],
                "removed": stats.removed,
                "copies": [{"path": p, "copy_of": o} for p, o in stats.copies],
                "duplicates_removed": stats.repaired,
                "ocr_pages": stats.ocr_pages,
                "ocr_cached": stats.ocr_cached,
                "seconds": round(stats.seconds, 3),
                "index": index_dir,
            }
        )
    for source in stats.removed:
        say(f"removed {source}")
    for source, original in stats.copies:
        say(f"{source}: a copy of {original} (listed as one report)")
    say(summary)
    sys.exit(Exit.PARTIAL if stats.failed else Exit.OK)


# -- search ---------------------------------------------------------------------------------------


@main.command()
@click.argument("query", required=False, default="")
@_index_option
@_filter_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(0, settings.MAX_LIMIT))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(min=0))
@click.option("--per-report", type=click.IntRange(min=1), help="At most N passages per report.")
@_json_option
def search(query, index_dir, agency, year, section, limit, offset, per_report, as_json):
    """Search passages. QUERY: words (all required), "phrases", OR, NOT/-word, and filters
    agency:… year:2010-2015 section:…"""
    res = _engine(index_dir).search(
        query,
        agency=agency,
        year=year,
        section=section,
        limit=limit,
        offset=offset,
        per_report=per_report,
    )
    from search.render.text import search_lines

    _emit(res, as_json, text=search_lines)


# -- reports / show -------------------------------------------------------------------------------
@main.command()
@_index_option
@_json_option
def reports(index_dir, as_json):
    """List the reports in the index."""
    res = _engine(index_dir).reports()
    from search.render.text import reports_lines

    _emit(res, as_json, text=reports_lines)
    if not as_json:
        say(f"{len(res.reports)} reports")


@main.command()
@click.argument("report_id")
@_index_option
@_json_option
def show(report_id, index_dir, as_json):
    """Print one report, passage by passage, in document order."""
    from search.backend import NotFound

    try:
        res = _engine(index_dir).show(report_id)
    except NotFound as e:
        fail(str(e))
    from search.render.text import show_lines

    _emit(res, as_json, text=show_lines)


# -- web (serve) ----------------------------------------------------------------------------------
@main.command()
@_index_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="URL",
    help="An origin (https://news.example.org) whose pages may embed the widget; repeatable.",
)
@click.option(
    "--time-budget",
    type=click.FloatRange(min=0),
    help="Seconds a query may run before it is stopped with a 503 (0: no limit). "
    f"Default {settings.TIME_BUDGET:g}, or GONGKAI_TIME_BUDGET.",
)
def serve(index_dir, host, port, cors_origins, time_budget):
    """Serve the search page, the JSON API (/api/…, /docs) and the widget (/widget.js)."""
    import uvicorn

    from search.web.app import check_origin, create_app

    try:
        origins = [check_origin(o) for o in cors_origins]
    except ValueError as e:
        fail(str(e))
    engine = _engine(index_dir, time_budget)
    _check_port(host, port)
    app = create_app(index_dir, cors_origins=origins, engine=engine)
    budget = engine.time_budget
    budget_note = f"time budget {budget:g} s; " if budget is not None else ""
    click.echo(
        f"serving {engine.where()} at http://{host}:{port}/ ({budget_note}Ctrl-C to stop)", err=True
    )
    # SIGTERM/Ctrl-C: uvicorn stops accepting, gives requests in flight a second, and returns.
    uvicorn.run(
        app,
        host=host,
        port=port,
        server_header=False,
        log_level="info",
        timeout_graceful_shutdown=1,
    )
    # A query still running in a worker thread (at most the time budget) would keep the
    # process alive until it ends; the server holds nothing to flush, so leave now.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(Exit.OK)


def _check_port(host: str, port: int) -> None:
    """Fail in one line (exit 2) if `host:port` cannot be bound, before uvicorn tries."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        fail(f"cannot serve on {host}: {e.strerror}")
    family, kind, proto, _name, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind(addr)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                fail(
                    f"port {port} on {host} is already in use: stop the other server or pick --port"
                )
            fail(f"cannot serve on {host}:{port}: {e.strerror or e}")


# -- journalist tools -----------------------------------------------------------------------------


def _csv_option(f):
    return click.option(
        "--csv", "as_csv", is_flag=True, help="Print CSV (UTF-8 with BOM, for Excel)."
    )(f)


def _journal(fn: Callable[..., T], engine: SearchEngine, *args, **kwargs) -> T:
    """fn(engine, …): a journalist tool, over one snapshot of the index (an ingest may commit
    meanwhile). (A bad query or unknown id is a one-line usage error: `run`.)"""
    with engine.pinned():
        return fn(engine, *args, **kwargs)


def _draw_png(draw, res, png_file: str) -> None:
    """`draw(res, png_file)` (a search/render/chart function); a file that cannot be written is
    a usage error."""
    try:
        info = draw(res, png_file)
    except OSError as e:
        fail(f"cannot write {png_file}: {e.strerror or e}")
    note = "" if info["font"] else " (no CJK font found: labels in ASCII)"
    say(f"chart → {png_file}{note}")


def _echo_csv(rows, columns) -> None:
    from search.render.csv import csv_text

    for chunk in csv_text(rows, columns):
        click.echo(chunk, nl=False)


@main.command()
@click.argument("query")
@_index_option
@_filter_options
@click.option("--by", type=click.Choice(BY), default="agency", show_default=True)
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(min=0), help="Groups; 0: all."
)
@click.option(
    "--order",
    type=click.Choice(COMPARE_ORDERS),
    help="List the groups shown best first, or oldest first. Default: year with --by year.",
)
@_json_option
@_csv_option
def compare(query, index_dir, agency, year, section, by, limit, order, as_json, as_csv):
    """The best passage of each agency (or year) for QUERY.

    One passage per agency (or year) that matches, the most relevant groups shown (by year in
    year order), with the group's matching report and passage counts and a citation."""
    from search.render.text import compare_lines
    from search.tools.compare import COLUMNS
    from search.tools.compare import compare as run

    engine = _engine(index_dir)
    res = _journal(
        run, engine, query, by, agency=agency, year=year, section=section, limit=limit, order=order
    )
    _emit(res, as_json, as_csv, text=compare_lines, csv=lambda r: (r.results, COLUMNS))


@main.command()
@click.argument("query")
@_index_option
@_filter_options
@click.option("--by", type=click.Choice(BY), default="year", show_default=True)
@click.option("--png", "png_file", type=click.Path(dir_okay=False), help="Also draw a PNG chart.")
@_json_option
@_csv_option
def trend(query, index_dir, agency, year, section, by, png_file, as_json, as_csv):
    """Matching reports per year: how many, and what share.

    The share is of all the reports of that year in the index that pass the same filters, so
    a growing archive does not fake a trend. A terminal bar chart by default; --png also
    draws one."""
    from search.render.chart import trend_png
    from search.render.text import trend_lines
    from search.tools.trend import COLUMNS_BY
    from search.tools.trend import trend as run

    engine = _engine(index_dir)
    res = _journal(run, engine, query, by, agency=agency, year=year, section=section)
    if png_file:
        _draw_png(trend_png, res, png_file)
    _emit(res, as_json, as_csv, text=trend_lines, csv=lambda r: (r.rows, COLUMNS_BY[by]))


@main.command()
@click.argument("passage_id")
@_index_option
@_filter_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--min-similarity",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Hide passages less similar than this (0..1).",
)
@_json_option
def similar(passage_id, index_dir, agency, year, section, limit, min_similarity, as_json):
    """Passages in other reports that say nearly the same thing.

    For PASSAGE_ID (or a unique prefix of 6+ characters): copied boilerplate and where the
    copies differ, most similar first, with a similarity figure and the wording they share."""
    from search.render.text import similar_lines
    from search.tools.similar import similar as run

    engine = _engine(index_dir)
    res = _journal(
        run,
        engine,
        passage_id,
        limit=limit,
        min_similarity=min_similarity,
        agency=agency,
        year=year,
        section=section,
    )
    _emit(res, as_json, text=similar_lines)


@main.command()
@click.argument("term")
@_index_option
@_filter_options
@click.option(
    "--width",
    default=20,
    show_default=True,
    type=click.IntRange(0, 200),
    help="Characters of context on each side.",
)
@click.option(
    "--sort",
    type=click.Choice(KWIC_SORTS),
    default="year",
    show_default=True,
    help="left/right: by the words just before/after the match.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Print only the first N lines.")
@_json_option
@_csv_option
def kwic(term, index_dir, agency, year, section, width, sort, limit, as_json, as_csv):
    """Every occurrence of TERM with its context (a concordance).

    TERM is one word or phrase, matched as the index normalizes it (traditional/simplified,
    full-width), plus optional filters (依申请公开 year:2015-2020). All matching passages are
    scanned, not only the top hits; the context is cut from the original text."""
    from search.render.text import kwic_lines
    from search.tools.kwic import COLUMNS
    from search.tools.kwic import kwic as run

    engine = _engine(index_dir)
    res = _journal(
        run,
        engine,
        term,
        width=width,
        sort=sort,
        agency=agency,
        year=year,
        section=section,
        limit=limit,
    )
    _emit(res, as_json, as_csv, text=kwic_lines, csv=lambda r: (r.occurrences, COLUMNS))


@main.command()
@click.argument("query")
@_index_option
@_filter_options
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="File to write (default: standard output).",
)
@click.option(
    "--order",
    type=click.Choice(EXPORT_ORDERS),
    default="relevance",
    show_default=True,
    help="document: reports newest first, passages in report order.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object: query, total, reports, order and passages (as --format jsonl rows).",
)
def export(query, index_dir, agency, year, section, fmt, output, order, as_json):
    """Export all passages matching QUERY, with citations.

    Every matching passage with full metadata and a citation, streamed as CSV (UTF-8 with a
    BOM, opens in Excel), JSON Lines, or with --json one JSON document."""
    from search.render import rows_as
    from search.render.jsonl import json_text
    from search.tools.export import COLUMNS_BY_FORMAT
    from search.tools.export import export as run

    engine = _engine(index_dir)
    exp = _journal(run, engine, query, agency=agency, year=year, section=section, order=order)
    if as_json:
        head = {"query": query, "total": exp.total, "reports": exp.reports, "order": order}
        chunks = json_text(head, "passages", exp.rows(), COLUMNS_BY_FORMAT["jsonl"])
    else:
        chunks = rows_as(fmt, exp.rows(), COLUMNS_BY_FORMAT[fmt])
    try:
        if output == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            with open(output, "w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
    except BrokenPipeError:  # `export … | head`: the reader has all it wants
        _quiet_stdout()
        sys.exit(Exit.OK)
    except OSError as e:
        fail(f"cannot write {output}: {e.strerror or e}")
    where = "" if output == "-" else f" → {output}"
    say(f"exported {exp.total} passages from {exp.reports} reports{where}")


@main.command()
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@_index_option
@_filter_options
@_json_option
def batch(file, index_dir, agency, year, section, as_json):
    """Run many queries: matching reports per year, agency, section, and their share.

    FILE has one query a line (blank lines and lines starting with # are skipped; - reads
    standard input). Prints a CSV in long format, a row per query × dimension × value:
    query,dimension,value,reports,all_reports,share — dimension "all" (empty value) is the
    query's matching reports in total, then "year", "agency" and "section" break them down as
    the facets of `search` do; all_reports is that year's (agency's, section's) reports passing
    the same filters and share = reports / all_reports, as `trend` has them. A line that is
    not a query is named on stderr with its line number and skipped; the others still run
    and the exit code is 3."""
    from search.tools.export import BATCH_COLUMNS, batch_rows, read_queries
    from search.tools.export import batch as run

    engine = _engine(index_dir)
    queries, errors = read_queries(file)
    for n, reason in errors:
        say(f"line {n}: {reason} (skipped)")
    res = _journal(run, engine, [q for _, q in queries], agency=agency, year=year, section=section)
    if as_json:
        _print_json({**res, "errors": [{"line": n, "error": r} for n, r in errors]})
    else:
        _echo_csv(batch_rows(res), BATCH_COLUMNS)
    if errors:
        say(f"{len(queries)} queries run, {len(errors)} lines skipped")
        sys.exit(Exit.PARTIAL)


@main.command()
@click.argument("query", required=False, default="")
@_index_option
@click.option("--agency", help="Only reports whose agency contains this text.")
@click.option("--year", help="A year (2015) or range (2010-2015) the report covers.")
@click.option("--by", type=click.Choice(BY), default="agency", show_default=True)
@click.option(
    "--metric",
    default="requests.new.total",
    show_default=True,
    help="The figure to rank: TABLE.ROW.COLUMN of the stats schema (a wrong one lists them all).",
)
@click.option(
    "--rate",
    type=click.Choice(STATS_RATES),
    help="Add a rate: refused or granted requests of all handled, corrected reviews and lawsuits.",
)
@click.option(
    "--sort",
    type=click.Choice(STATS_SORTS),
    help="Largest first (value, rate, change) or by name; default value (by year: name).",
)
@click.option("--png", "png_file", type=click.Path(dir_okay=False), help="Also draw a PNG chart.")
@_json_option
@_csv_option
def stats(query, index_dir, agency, year, by, metric, rate, sort, png_file, as_json, as_csv):
    """The standard tables' figures, ranked agency by agency (or year by year).

    With the change on the year before, an optional rate, how many reports had readable
    tables, and every printed total that disagrees with its parts. QUERY narrows the reports
    to those with a matching passage. --csv writes every figure of those reports in long
    form (report_id,agency,year,format,table,row,column,value), the checks last as table "checks"."""
    from search.tools.stats import LONG_COLUMNS, long_rows, select
    from search.tools.stats import stats as run

    engine = _engine(index_dir)
    res = _journal(
        run, engine, query, agency=agency, year=year, by=by, metric=metric, rate=rate, sort=sort
    )
    if png_file:
        from search.render.chart import stats_png

        _draw_png(stats_png, res, png_file)
    from search.render.text import stats_lines

    def every_figure(_res):  # --csv: every figure of the reports, not the ranked table
        return long_rows(_journal(select, engine, query, agency=agency, year=year)), LONG_COLUMNS

    _emit(res, as_json, as_csv, text=stats_lines, csv=every_figure)


@main.command()
@click.argument("old_id", metavar="OLD")
@click.argument("new_id", metavar="NEW")
@_index_option
@_json_option
def diff(old_id, new_id, index_dir, as_json):
    """What report NEW kept, changed and added against report OLD, and its figures.

    OLD and NEW are report ids (see `reports`, or `reuse`, which pairs each report with its
    agency's previous one). Each of NEW's passages is verbatim, same but figures, changed or
    new, the changed words highlighted; OLD's dropped passages follow, then every
    standard-table figure side by side. The two reuse shares count sentences as
    docs/journalists.md says (near-copies apart)."""
    from search.render.reuse_text import diff_lines
    from search.tools.diff import diff as run

    res = _journal(run, _engine(index_dir), old_id, new_id)
    _emit(res, as_json, text=diff_lines)


@main.command()
@click.argument("query", required=False, default="")
@_index_option
@click.option("--agency", help="Only reports whose agency contains this text.")
@click.option("--year", help="A year (2015) or range (2010-2015) the report covers.")
@click.option(
    "--sort",
    type=click.Choice(REUSE_SORTS),
    default="reuse",
    show_default=True,
    help="Largest share first (both shares, verbatim, same but figures, other agency) or newest.",
)
@click.option("--all", "first", is_flag=True, help="Also list reports without an earlier one.")
@click.option("--limit", type=click.IntRange(0, 10_000), help="Print only the first N rows.")
@_json_option
@_csv_option
def reuse(query, index_dir, agency, year, sort, first, limit, as_json, as_csv):
    """How much of each report repeats its agency's previous report, over the archive.

    Every report with an earlier report from the same agency, against the latest earlier
    one: the share of its sentence text repeated word for word and the share the same but
    for its figures, ranked; and the other agency whose report shares most of its text.
    QUERY, --agency and --year choose the reports listed (their predecessors may lie
    outside)."""
    from search.render.reuse_text import reuse_lines
    from search.tools.reuse import COLUMNS, flat_rows
    from search.tools.reuse import reuse as run

    engine = _engine(index_dir)
    res = _journal(
        run, engine, query, agency=agency, year=year, sort=sort, first=first, limit=limit
    )
    _emit(res, as_json, as_csv, text=reuse_lines, csv=lambda r: (flat_rows(r), COLUMNS))


@main.command()
@click.argument("passage_id")
@_index_option
@_json_option
def cite(passage_id, index_dir, as_json):
    """A one-line citation of a passage, to paste.

    PASSAGE_ID as printed by search --json, compare, kwic, similar or export; a unique
    prefix of 6+ characters works."""
    from search.tools.cite import cite as run

    res = _journal(run, _engine(index_dir), passage_id)
    from search.render.text import printable

    _emit(res, as_json, text=lambda r, _style: [printable(r.citation)])


@main.group()
def cluster():
    """Run gongkai on a Sphinx/Manticore cluster: write the nodes' configuration, start a
    trial cluster on this machine, see each node's state. Then give every command
    --engine ADDRESS (or set GONGKAI_ENGINE). docs/scale.md tells the whole story."""


@cluster.command("config")
@click.option(
    "--node",
    "nodes",
    multiple=True,
    required=True,
    metavar="HOST:SQLPORT:APIPORT",
    help="A node (repeat, in order: node i holds shard i), e.g. 10.0.0.1:9306:9312.",
)
@click.option("--name", default="gongkai", show_default=True, help="The index name.")
@click.option(
    "--data",
    "data_dir",
    default="/var/lib/gongkai",
    show_default=True,
    help="Where each node keeps its shard, logs and binlog (on its own machine).",
)
@click.option(
    "--out",
    "out_dir",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for the NAME-nodeI.conf files.",
)
@_json_option
def cluster_config(nodes, name, data_dir, out_dir, as_json):
    """Write one searchd.conf per node: its shard (an RT index) and the distributed index over
    all shards, so any node answers a query over the whole archive."""
    from index.cluster.admin import address_of, parse_nodes, write_configs

    specs = parse_nodes(list(nodes))
    try:
        paths = write_configs(name, specs, data_dir, out_dir)
    except OSError as e:
        fail(f"cannot write the configuration into {out_dir}: {e.strerror or e}")
    address = address_of(name, specs)
    if as_json:
        folders = [os.path.join(data_dir, f"node{i}") for i in range(len(specs))]
        _print_json({"address": address, "configs": paths, "data": folders})
        return
    for i, (spec, path) in enumerate(zip(specs, paths, strict=True)):
        folder = os.path.join(data_dir, f"node{i}")
        click.echo(f"{spec.host}: mkdir -p {folder} && searchd --config {path}")
    click.echo(f"then: export GONGKAI_ENGINE={address}")


@cluster.command("up")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--nodes", "n", default=2, show_default=True, type=click.IntRange(1, 16))
@click.option("--name", default="gongkai", show_default=True, help="The index name.")
@click.option(
    "--port",
    default=9306,
    show_default=True,
    type=click.IntRange(1, 65500),
    help="Node i listens on PORT+2i (SphinxQL) and PORT+2i+1 (agents).",
)
def cluster_up(folder, n, name, port):
    """Start a trial cluster of NODES searchd processes on this machine (loopback), with their
    shards in FOLDER (kept: up again with the same FOLDER and PORT finds the data), and keep it
    running until Ctrl-C."""
    import signal
    import socket

    from index.cluster.config import NodeSpec
    from index.cluster.nodes import LocalCluster

    if port + 2 * n > 65536:
        fail(f"--port {port} leaves no room for {n} nodes")
    for p in range(port, port + 2 * n):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", p)) == 0:
                fail(f"port {p} is in use (a cluster already up?); choose another --port")
    specs = [NodeSpec("127.0.0.1", port + 2 * i, port + 2 * i + 1) for i in range(n)]
    nodes = LocalCluster(os.path.abspath(folder), n=n, name=name, nodes=specs)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(Exit.OK))
    try:
        nodes.start()
        click.echo(f"{n} searchd node(s) up, data in {os.path.abspath(folder)}")
        click.echo(f"export GONGKAI_ENGINE={nodes.address}")
        click.echo("Ctrl-C stops them.")
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        nodes.stop()
    say("stopped")


@cluster.command("status")
@click.option(
    "--engine",
    "address",
    envvar="GONGKAI_ENGINE",
    required=True,
    metavar="sphinxql://HOST:PORT[,HOST:PORT…]/NAME",
    help="The cluster (or set GONGKAI_ENGINE).",
)
@_json_option
def cluster_status(address, as_json):
    """Each node: up or why not, the passages, reports and copies on its shard, its memory.
    Exit 5 when a node is down."""
    from index.cluster.admin import status
    from index.cluster.sphinxql import parse_address
    from search.render.text import printable

    states = status(parse_address(address))
    if as_json:
        _print_json([dict(vars(s)) for s in states])
    else:
        for s in states:
            if s.up:
                mb = (s.ram_bytes + s.disk_bytes) / 1e6
                click.echo(
                    f"{s.node}  {s.shard}  up  {s.passages:,} passages  {s.reports:,} reports  "
                    f"{s.copies:,} copies  {mb:,.1f} MB"
                )
            else:
                click.echo(printable(f"{s.node}  {s.shard}  DOWN  {s.error}"))
    if not all(s.up for s in states):
        sys.exit(Exit.CLUSTER)


def run() -> None:
    try:
        code = main(standalone_mode=False)
    except click.exceptions.Abort:  # Ctrl-C
        fail("interrupted", Exit.INTERRUPTED)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except Exception as e:  # last resort: one line, never a traceback
        _fault(e)
    sys.exit(code if isinstance(code, int) else Exit.OK)


def _fault(e: BaseException) -> NoReturn:
    """A fault the layers name (search/faults.py: a bad query, an unknown id, a node down, a
    busy or damaged index) is one line and its exit code; otherwise a damaged index says so
    and how to rebuild it; else a bug."""
    from index.store import damage, damaged
    from search.faults import fault_of, message_of

    fault = fault_of(e)
    if fault is not None:
        fail(message_of(e), fault.exit)
    for index_dir in _opened:
        detail = damage(index_dir)
        if detail:
            fail(str(damaged(index_dir, detail)), Exit.FAULT)
    if isinstance(e, OSError) and _opened:
        fail(f"cannot read the index at {_opened[-1]}: {e.strerror or e}", Exit.FAULT)
    fail(f"internal error ({type(e).__name__}: {e}); please report it", Exit.INTERNAL)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    run()
