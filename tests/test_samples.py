"""Every bundled sample and fixture against its hand-written expectations (tests/fixtures/expected.json)."""

import json

import pytest
from conftest import ROOT

from corpus.reader import read_reports

EXPECTED = json.loads((ROOT / "tests" / "fixtures" / "expected.json").read_text("utf-8"))


def load(key):
    path, _, line = key.partition(".jsonl:")
    if line:
        return read_reports(str(ROOT / (path + ".jsonl")))[int(line) - 1]
    [r] = read_reports(str(ROOT / key))
    return r


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_metadata(key):
    exp, r = EXPECTED[key], load(key)
    assert (r.title, r.agency, r.year, r.published) == (
        exp["title"],
        exp["agency"],
        exp["year"],
        exp["published"],
    )


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_body_kept_and_chrome_dropped(key):
    exp, r = EXPECTED[key], load(key)
    body = "\n".join(p.text for p in r.passages)
    flat = body.replace("\n", "")
    for s in exp.get("must_contain", []):
        assert s in body or s in flat, s
    for s in exp.get("must_not_contain", []):
        assert s not in body, s


@pytest.mark.parametrize("key", sorted(k for k in EXPECTED if EXPECTED[k].get("sections")))
def test_sections(key):
    exp, r = EXPECTED[key], load(key)
    assert set(r.sections) == set(exp["sections"])
    headings = {p.heading for p in r.passages}
    for h in exp.get("headings", []):
        assert h in headings, h
