"""Ids that last: a report's and a passage's id come from what the report is, never from where
its file was read, so they are the same on every machine, through a symlink or a copy, and
after a rebuild; an id a corrected version replaced still answers, naming its successor."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, run_cli
from fastapi.testclient import TestClient

from index.writer import ingest
from search.engine import Engine, NotFound
from search.tools.cite import cite

BODY = """{agency}{year}年政府信息公开工作年度报告

一、总体情况
{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，主动公开政府信息{n}条，
依申请公开工作运行平稳，全年受理申请{m}件，均在法定期限内答复。

二、主动公开政府信息情况
本机关通过门户网站公开规范性文件、财政预算决算和重点领域信息，及时回应社会关切。

三、存在的主要问题及改进情况
公开内容的针对性和解读的深度仍需加强，下一步将完善工作机制。
"""


def ids(index: str) -> tuple[dict[str, str], set[str]]:
    """(report id → source, every passage id) of an index."""
    engine = Engine(index)
    try:
        reports = {r.report_id: r.source for r in engine.reports().reports}
        passages = {p.passage_id for rid in reports for p in engine.show(rid).passages}
    finally:
        engine.close()
    return reports, passages


def test_the_same_files_from_two_folders_and_a_symlink_get_the_same_ids(tmp_path):
    a = tmp_path / "data" / "archive"
    shutil.copytree(SAMPLES, a)
    b = tmp_path / "elsewhere" / "copy"
    shutil.copytree(SAMPLES, b)
    link = tmp_path / "link"
    os.symlink(a, link)
    first = ids(_ingested([str(a)], tmp_path / "i1"))
    assert len(first[0]) >= 10 and len(first[1]) >= 100
    assert ids(_ingested([str(b)], tmp_path / "i2")) == first
    assert ids(_ingested([str(link)], tmp_path / "i3")) == first
    # a relative path, from another working folder
    p = run_cli("ingest", "copy", "--index", str(tmp_path / "i4"), cwd=tmp_path / "elsewhere")
    assert p.returncode == 0, p.stderr
    assert ids(str(tmp_path / "i4")) == first
    # the sources name the files as ingested, relative to the folder given: no folder of the disk
    assert all(not Path(s).is_absolute() and "archive" not in s for s in first[0].values())
    # a rebuild gives the same ids; re-ingesting the unchanged files keeps them all
    shutil.rmtree(tmp_path / "i1")
    assert ids(_ingested([str(a)], tmp_path / "i1")) == first
    again = ingest([str(a)], str(tmp_path / "i1"))
    assert again.ingested == 0 and again.unchanged >= 10
    assert ids(str(tmp_path / "i1")) == first


def _ingested(paths: list[str], index: Path) -> str:
    stats = ingest(paths, str(index))
    assert not stats.failed, stats.failed
    return str(index)


def _report(folder: Path, name: str, **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    values = {"agency": "示范县人民政府", "year": 2019, "n": 120, "m": 15, **kw}
    path.write_text(BODY.format(**values), encoding="utf-8")
    return path


def test_a_corrected_report_keeps_its_id_and_old_passage_ids_name_their_successors(tmp_path):
    src = tmp_path / "in"
    path = _report(src, "2019.txt")
    index = _ingested([str(src)], tmp_path / "idx")
    (rid,), before = ids(index)
    path.write_text(BODY.format(agency="示范县人民政府", year=2019, n=121, m=15), "utf-8")
    _ingested([str(src)], tmp_path / "idx")
    (rid2,), after = ids(index)
    assert rid2 == rid, "the same agency, year and kind: the same report"
    gone = before - after
    assert len(gone) == 1 and len(after - before) == 1, "only the changed passage is renamed"
    (old,) = gone
    (new,) = after - before
    engine = Engine(index)
    try:
        assert engine.replaced_by(old) == new
        with pytest.raises(NotFound, match=f"replaced by .*passage {new}") as e:
            cite(engine, old)
        assert e.value.code == "replaced" and e.value.params["replaced_by"] == new
    finally:
        engine.close()
    p = run_cli("cite", old, "--index", index)
    assert p.returncode == 2 and f"passage {new}" in p.stderr and "Traceback" not in p.stderr
    from search.web.app import create_app

    with TestClient(create_app(index)) as c:
        r = c.get(f"/api/cite/{old}")
        assert r.status_code == 404
        assert r.json()["code"] == "replaced" and r.json()["params"]["replaced_by"] == new


def test_a_report_known_by_content_alone_names_what_replaced_it(tmp_path):
    src = tmp_path / "in"
    path = src / "note.txt"
    src.mkdir()
    text = "关于做好信息公开工作的说明\n\n" + "本单位认真做好信息公开工作，按时答复每一件申请。" * 8
    path.write_text(text, encoding="utf-8")
    index = _ingested([str(src)], tmp_path / "idx")
    (rid,), _ = ids(index)
    path.write_text(text.replace("每一件", "每一份"), encoding="utf-8")
    _ingested([str(src)], tmp_path / "idx")
    (rid2,), _ = ids(index)
    assert rid2 != rid, "no agency or year: named by its content"
    p = run_cli("show", rid, "--index", index)
    assert p.returncode == 2 and f"report {rid2}" in p.stderr and "replaced" in p.stderr
    from search.web.app import create_app

    with TestClient(create_app(index)) as c:
        api = c.get(f"/api/reports/{rid}")
        assert api.status_code == 404 and api.json()["params"]["replaced_by"] == rid2
        page = c.get(f"/reports/{rid}", follow_redirects=False)
        assert page.status_code == 301 and page.headers["location"] == f"/reports/{rid2}"
    # changed back: the old id is live again and no longer listed as replaced
    path.write_text(text, encoding="utf-8")
    _ingested([str(src)], tmp_path / "idx")
    engine = Engine(index)
    try:
        assert engine.id_kind(rid) == "report" and engine.replaced_by(rid) is None
    finally:
        engine.close()


def test_copies_stay_one_report_and_two_reports_claiming_one_identity_stay_two(tmp_path):
    a = _report(tmp_path / "in" / "a", "2019.txt")
    shutil.copy(a, tmp_path / "in" / "copy.txt")
    _report(tmp_path / "in" / "b", "2019-other.txt", n=999, m=77)  # same agency/year, not a copy
    index = _ingested([str(tmp_path / "in")], tmp_path / "idx")
    reports, _ = ids(index)
    assert len(reports) == 2
    # the copy listed first in the folder is kept; the other report is named by its content
    assert sorted(reports.values()) == ["a/2019.txt", "b/2019-other.txt"]
    assert ids(_ingested([str(tmp_path / "in")], tmp_path / "idx2"))[0] == reports


def test_a_corrected_version_under_a_new_name_takes_the_old_ones_id(tmp_path):
    src = tmp_path / "in"
    old = _report(src, "2019.txt")
    index = _ingested([str(src)], tmp_path / "idx")
    (rid,), _ = ids(index)
    old.unlink()
    _report(src, "2019（更正）.txt", n=130)
    _ingested([str(src)], tmp_path / "idx")
    assert ids(index)[0] == {rid: "2019（更正）.txt"}


def test_show_and_cite_say_when_the_other_kind_of_id_was_given(samples_index):
    engine = Engine(samples_index)
    try:
        report = engine.reports().reports[0]
        passage = engine.show(report.report_id).passages[0].passage_id
    finally:
        engine.close()
    p = run_cli("show", passage, "--index", samples_index)
    assert p.returncode == 2 and "is a passage id" in p.stderr and f"cite {passage}" in p.stderr
    p = run_cli("cite", report.report_id, "--index", samples_index)
    assert p.returncode == 2 and "is a report id" in p.stderr
    assert f"show {report.report_id}" in p.stderr


def test_an_index_with_path_ids_is_refused_with_the_re_ingest_message(tmp_path):
    index = _ingested([str(SAMPLES / "001_8f5cd09c3fcdcd6e.txt")], tmp_path / "idx")
    (Path(index) / "LAYOUT").unlink()  # as written by a gongkai that hashed file paths
    p = run_cli("search", "公开", "--index", index)
    assert p.returncode == 2 and "built by an older gongkai" in p.stderr
    assert "file paths" in p.stderr and "ingest" in p.stderr


def test_web_citations_name_the_file_for_absolute_and_relative_ingests(tmp_path):
    from search.web.app import create_app

    name = "001_8f5cd09c3fcdcd6e.txt"
    (tmp_path / "scraped").mkdir()
    shutil.copy(SAMPLES / name, tmp_path / "scraped" / name)
    for how, arg in (("rel", "scraped"), ("abs", str(tmp_path / "scraped"))):
        index = tmp_path / how
        assert run_cli("ingest", arg, "--index", str(index), cwd=tmp_path).returncode == 0
        with TestClient(create_app(str(index))) as c:
            hit = c.get("/api/search", params={"q": "依申请公开"}).json()["hits"][0]
            cited = c.get(f"/api/cite/{hit['passage_id']}").json()
            assert cited["citation"].endswith(f"来源：{name}"), cited["citation"]
            export = c.get("/api/export", params={"q": "依申请公开", "format": "csv"}).text
            assert str(tmp_path) not in export and f"来源：{name}" in export
