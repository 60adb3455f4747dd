"""Can gongkai switch its segmenter from jieba to rjieba (the Rust port)? A check, not a timed
test: on every paragraph of the real work reports, after gongkai's normalization and with our
domain dictionary loaded into both, do the two give the same tokens in accurate mode (`cut`),
search mode (`cut_for_search`) and search-mode `tokenize` (what index/segment.py feeds the
index, with offsets)? Prints the mismatch rates (and, for information, the time each took) and
appends them to docs/benchmarks.md like the benchmark does. This is the report; the pass/fail
proof that the index sees the same tokens either way is tests/test_segment.py (in `make test`)."""

from __future__ import annotations

import difflib
import logging
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import harness  # noqa: E402

DOMAIN_DICT = corpora.ROOT / "index" / "domain_dict.txt"


def _dict_entries() -> list[tuple[str, int | None, str | None]]:
    """(word, freq, tag) per line of the domain dictionary, read as jieba.load_userdict does."""
    out = []
    for line in DOMAIN_DICT.read_text(encoding="utf-8").splitlines():
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        out.append((word, freq, tag))
    return out


def _segmenters():
    import jieba

    rjieba = pytest.importorskip("rjieba", reason="rjieba is not installed (pip install rjieba)")
    jieba.setLogLevel(logging.WARNING)
    jb = jieba.Tokenizer()
    jb.load_userdict(str(DOMAIN_DICT))
    rj = rjieba.Jieba()
    for word, freq, tag in _dict_entries():
        rj.add_word(word, freq, tag)
    return jb, rj


def _paragraphs() -> list[str]:
    from index.normalize import normalize

    out = []
    for row in corpora.iter_jsonl(corpora.WORK_REPORTS):
        out.extend(normalize(p) for p in corpora.paragraphs(row["content"]))
    return out


def _compare(paras: list[str], left, right) -> dict:
    diff_paras = 0
    tokens = 0
    diff_tokens = 0
    examples: list[str] = []
    t_left = t_right = 0.0
    for text in paras:
        t = time.perf_counter()
        a = left(text)
        t_left += time.perf_counter() - t
        t = time.perf_counter()
        b = right(text)
        t_right += time.perf_counter() - t
        tokens += len(a)
        if a == b:
            continue
        diff_paras += 1
        ca, cb = Counter(a), Counter(b)
        diff_tokens += sum(((ca - cb) + (cb - ca)).values())
        if len(examples) < 3:
            sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
            op = next(o for o in sm.get_opcodes() if o[0] != "equal")
            _tag, i1, i2, j1, j2 = op
            examples.append(
                f"jieba {a[max(0, i1 - 2) : i2 + 2]} / rjieba {b[max(0, j1 - 2) : j2 + 2]}"
            )
    return {
        "paras": len(paras),
        "diff_paras": diff_paras,
        "tokens": tokens,
        "diff_tokens": diff_tokens,
        "jieba_s": t_left,
        "rjieba_s": t_right,
        "examples": examples,
    }


def test_rjieba_matches_jieba():
    corpora.need_realdata()
    jb, rj = _segmenters()
    paras = _paragraphs()
    assert paras
    modes = {
        "cut (accurate, HMM)": (jb.lcut, rj.cut),
        "cut_for_search": (jb.lcut_for_search, rj.cut_for_search),
        "tokenize mode=search (gongkai's index input, with offsets)": (
            lambda s: list(jb.tokenize(s, mode="search")),
            lambda s: [tuple(t) for t in rj.tokenize(s, mode="search")],
        ),
    }
    chars = sum(len(p) for p in paras)
    rows = [
        "| mode | paragraphs differing | tokens differing | jieba s | rjieba s |",
        "|---|---|---|---|---|",
    ]
    notes = []
    for name, (left, right) in modes.items():
        r = _compare(paras, left, right)
        rows.append(
            f"| {name} | {r['diff_paras']:,} / {r['paras']:,} "
            f"({100 * r['diff_paras'] / r['paras']:.2f}%) | {r['diff_tokens']:,} / "
            f"{r['tokens']:,} ({100 * r['diff_tokens'] / max(1, r['tokens']):.3f}%) "
            f"| {r['jieba_s']:.2f} | {r['rjieba_s']:.2f} |"
        )
        notes += [f"- {name}: {ex}" for ex in r["examples"]]
    text = "\n".join(
        [
            f"## {harness.now()} — segmenter check: rjieba vs jieba",
            "",
            f"Machine: {harness.machine()}",
            "",
            f"Every paragraph of the real work reports ({len(paras):,} paragraphs, {chars:,} "
            "characters, after gongkai's normalization), `index/domain_dict.txt` loaded into "
            "both (jieba `load_userdict`, rjieba `add_word`). Tokens differing: size of the "
            "multiset difference, both ways, over jieba's token count.",
            "",
            *rows,
            "",
            *(["First differences:", "", *notes] if notes else ["No differences."]),
        ]
    )
    print("\n" + text + "\n", flush=True)
    harness.append_doc(text)
