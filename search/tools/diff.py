"""diff: what a report (NEW) kept, changed and added against another (OLD, usually the same
agency's report of an earlier year), passage by passage, and how its figures moved.

Reuse is counted by the sentence rule of index/sentences.py: each NEW sentence is `verbatim`
(equal to a sentence of OLD), `same_but_figures` (equal once every run of digits is one
placeholder), `near` (neither, but a near-copy: a few words changed, see NEAR) or `new`. The two
shares are the characters of `verbatim` (`same_but_figures`) sentences over all NEW's sentence
characters; near-copies are counted apart (`near`) and change neither.

A NEW passage is `verbatim` when its text (normalized) equals an OLD passage's or all its
sentences are verbatim; `same_but_figures` when all are verbatim or same but figures;
`changed` when some of it is reused (any sentence verbatim, same but figures or near); `new`
otherwise. Its `old_passage_id` is the OLD passage holding most of what it reuses, and the
two texts are compared character by character (`segments`, `old_segments`) so the changed
words can be marked. OLD passages none of whose text NEW reuses are `dropped`."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from index import sentences as sent
from index.settings import DIFF_MIN_SAME as MIN_SAME
from index.settings import DIFF_NEAR as NEAR
from index.settings import DIFF_NEAR_GRAMS as _NEAR_GRAMS
from index.settings import EXACT_DIFF_CHARS, NEAR_CANDIDATES, NEAR_MAX_CHARS
from search.backend import NotFound, SearchEngine
from search.results import Record
from search.tools.stats import METRICS, figure, metric_label

STATUSES = ("verbatim", "same_but_figures", "changed", "new")
SENTENCE_STATUSES = ("verbatim", "same_but_figures", "near", "new")


@dataclass(slots=True)
class Side(Record):
    """Which report one side of a diff is."""

    report_id: str
    title: str
    agency: str
    year: int | None
    published: str | None
    source: str
    url: str | None
    passages: int
    sentences: int
    chars: int  # characters of its counted sentences (normalized)


@dataclass(slots=True)
class Sentence(Record):
    text: str  # as written
    chars: int  # normalized length, what the shares count
    status: str  # one of SENTENCE_STATUSES
    old_passage_id: str | None  # the OLD passage holding its match, if any


@dataclass(slots=True)
class PassageDiff(Record):
    passage_id: str
    section: str
    heading: str
    text: str
    status: str  # one of STATUSES
    old_passage_id: str | None
    old_text: str | None
    segments: list[tuple[str, str]]  # NEW's text cut into ("same" | "diff", text)
    old_segments: list[tuple[str, str]]  # the OLD passage's text, cut the same way
    sentences: list[Sentence]


@dataclass(slots=True)
class Dropped(Record):
    passage_id: str
    section: str
    heading: str
    text: str


@dataclass(slots=True)
class Figure(Record):
    metric: str
    label: str
    old: int | float | None
    new: int | float | None
    change: int | float | None  # new − old where both are given


@dataclass(slots=True)
class Share(Record):
    verbatim: float
    same_but_figures: float


@dataclass(slots=True)
class Counts(Record):
    """Sentences and their characters, by status (what the shares are made of)."""

    sentences: dict[str, int]
    chars: dict[str, int]
    total_sentences: int
    total_chars: int


@dataclass(slots=True)
class DiffResult(Record):
    old: Side
    new: Side
    reuse: Share  # the two defined shares
    near: float  # share of near-copies (a few words changed), apart from the two
    counts: Counts
    passages: list[PassageDiff]
    dropped: list[Dropped]
    figures: list[Figure]
    statuses: dict[str, int] = field(default_factory=dict)  # NEW's passages by status


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _grams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)}


class _Old:
    """OLD's sentences, looked up by text, by masked text and (for near-copies) by pairs."""

    def __init__(self, passages: list[list[tuple[str, str]]]):
        self.exact: dict[str, int] = {}
        self.masked: dict[str, int] = {}
        self.items: list[tuple[str, set[str], int]] = []  # (masked, its pairs, passage)
        self.by_gram: dict[str, list[int]] = {}
        for i, sents in enumerate(passages):
            for _piece, norm in sents:
                m = sent.mask(norm)
                self.exact.setdefault(norm, i)
                if m not in self.masked:
                    self.masked[m] = i
                    grams = _grams(m)
                    for g in grams:
                        self.by_gram.setdefault(g, []).append(len(self.items))
                    self.items.append((m, grams, i))

    def near(self, norm: str) -> int | None:
        """The OLD passage of the sentence `norm` nearly copies, if one does."""
        m = sent.mask(norm)
        grams = _grams(m)
        count: dict[int, int] = {}
        for g in grams:
            for k in self.by_gram.get(g, ()):
                count[k] = count.get(k, 0) + 1
        if len(m) > NEAR_MAX_CHARS:
            return None
        best, best_ratio = None, NEAR
        ranked = sorted(count.items(), key=lambda kn: (-kn[1], kn[0]))[:NEAR_CANDIDATES]
        for k, n in ranked:
            other, other_grams, passage = self.items[k]
            if n < _NEAR_GRAMS * max(len(grams), len(other_grams)) or len(other) > NEAR_MAX_CHARS:
                continue
            ratio = SequenceMatcher(None, m, other, autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = passage, ratio
        return best


def segments(old: str, new: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Both texts cut into ("same", text) and ("diff", text) runs, character by character."""
    sm = SequenceMatcher(None, old, new, autojunk=len(old) + len(new) > EXACT_DIFF_CHARS)
    blocks = [b for b in sm.get_matching_blocks() if b.size >= MIN_SAME]

    def cut(text: str, starts: list[tuple[int, int]]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        pos = 0
        for start, size in starts:
            if start > pos:
                out.append(("diff", text[pos:start]))
            out.append(("same", text[start : start + size]))
            pos = start + size
        if pos < len(text):
            out.append(("diff", text[pos:]))
        return out

    return cut(new, [(b.b, b.size) for b in blocks]), cut(old, [(b.a, b.size) for b in blocks])


def _side(detail, cut: list[list[tuple[str, str]]]) -> Side:
    r = detail.report
    return Side(
        report_id=r.report_id,
        title=r.title,
        agency=r.agency,
        year=r.year,
        published=r.published,
        source=r.source,
        url=r.url,
        passages=len(detail.passages),
        sentences=sum(len(s) for s in cut),
        chars=sum(len(n) for s in cut for _p, n in s),
    )


def figures(old_stats: dict | None, new_stats: dict | None) -> list[Figure]:
    """Every standard-table figure either report gives, side by side with its change."""
    out = []
    for metric in METRICS:
        a, b = figure(old_stats, metric), figure(new_stats, metric)
        if a is None and b is None:
            continue
        change = None if a is None or b is None else round(b - a, 6)
        out.append(Figure(metric, metric_label(metric), a, b, change))
    return out


class Missing(NotFound):
    """An unknown report (or one without an earlier one), with the API's `code` and the
    values its message names (search/web/messages.py)."""

    def __init__(self, message: str, code: str, params: dict):
        super().__init__(message)
        self.code = code
        self.params = params


def missing(report_id: str) -> Missing:
    return Missing(
        f"no report {report_id!r} in the index (see `reports`)", "no_report", {"id": report_id}
    )


def report(engine: SearchEngine, report_id: str):
    """The report `report_id` as `show` gives it; NotFound (code no_report) when unknown."""
    rid = (report_id or "").strip().lower()
    try:
        return engine.show(rid)
    except NotFound:
        raise missing(report_id) from None


def diff(engine: SearchEngine, old_id: str, new_id: str) -> DiffResult:
    """NEW (`new_id`) against OLD (`old_id`). Raises NotFound for an unknown report id."""
    old, new = report(engine, old_id), report(engine, new_id)
    old_cut = [sent.split(p.text) for p in old.passages]
    new_cut = [sent.split(p.text) for p in new.passages]
    lookup = _Old(old_cut)
    old_whole = {sent.normalize(p.text): i for i, p in reversed(list(enumerate(old.passages)))}
    old_masked = {sent.mask(k): i for k, i in reversed(list(old_whole.items()))}
    used_old: set[int] = set()
    chars = dict.fromkeys(SENTENCE_STATUSES, 0)
    counts = dict.fromkeys(SENTENCE_STATUSES, 0)
    rows = []
    for p, cut in zip(new.passages, new_cut, strict=True):
        sents: list[Sentence] = []
        weight: dict[int, int] = {}
        for piece, norm in cut:
            where: int | None
            if norm in lookup.exact:
                status, where = "verbatim", lookup.exact[norm]
            elif sent.mask(norm) in lookup.masked:
                status, where = "same_but_figures", lookup.masked[sent.mask(norm)]
            else:
                where = lookup.near(norm)
                status = "new" if where is None else "near"
            if where is not None:
                weight[where] = weight.get(where, 0) + len(norm)
                used_old.add(where)
            chars[status] += len(norm)
            counts[status] += 1
            pid = old.passages[where].passage_id if where is not None else None
            sents.append(Sentence(piece, len(norm), status, pid))
        whole = sent.normalize(p.text)
        kinds = {s.status for s in sents}
        if whole and whole in old_whole:
            status, match = "verbatim", old_whole[whole]
        elif whole and sent.mask(whole) in old_masked:
            status, match = "same_but_figures", old_masked[sent.mask(whole)]
        else:
            match = max(weight, key=lambda i: (weight[i], -i)) if weight else None
            if sents and kinds == {"verbatim"}:
                status = "verbatim"
            elif sents and kinds <= {"verbatim", "same_but_figures"}:
                status = "same_but_figures"
            elif kinds - {"new"}:
                status = "changed"
            else:
                status = "new"
        if match is not None:
            used_old.add(match)
            o = old.passages[match]
            seg, old_seg = segments(o.text, p.text)
        else:
            o, seg, old_seg = None, [("diff", p.text)], []
        rows.append(
            PassageDiff(
                passage_id=p.passage_id,
                section=p.section,
                heading=p.heading,
                text=p.text,
                status=status,
                old_passage_id=o.passage_id if o else None,
                old_text=o.text if o else None,
                segments=seg,
                old_segments=old_seg,
                sentences=sents,
            )
        )
    kept = {sent.normalize(p.text) for p in new.passages}
    kept |= {sent.mask(norm) for cut in new_cut for _piece, norm in cut}
    dropped = [
        Dropped(o.passage_id, o.section, o.heading, o.text)
        for i, (o, cut) in enumerate(zip(old.passages, old_cut, strict=True))
        if i not in used_old
        and sent.normalize(o.text) not in kept
        and not any(sent.mask(norm) in kept for _piece, norm in cut)
    ]
    total = sum(chars.values())
    return DiffResult(
        old=_side(old, old_cut),
        new=_side(new, new_cut),
        reuse=Share(share(chars["verbatim"], total), share(chars["same_but_figures"], total)),
        near=share(chars["near"], total),
        counts=Counts(counts, chars, sum(counts.values()), total),
        passages=rows,
        dropped=dropped,
        figures=figures(old.report.stats, new.report.stats),
        statuses={k: sum(1 for r in rows if r.status == k) for k in STATUSES},
    )
