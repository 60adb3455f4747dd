"""What a crawler's archive may hold and a terminal must not see: symlinks leading out of the
archive, escape codes in titles and file names, files that decode to garbage."""

from __future__ import annotations

import json
import os
import shutil

from conftest import SEEDS, run_cli


def test_symlinks_out_of_the_archive_are_skipped_and_named(tmp_path):
    outside = tmp_path / "outside"
    (outside / "etc").mkdir(parents=True)
    shutil.copy(SEEDS[1], outside / "secret.txt")  # a report, so it would be indexed if read
    for i in range(3):
        shutil.copy(SEEDS[2 + i], outside / "etc" / f"f{i}.txt")
    archive = tmp_path / "in"
    (archive / "sub").mkdir(parents=True)
    shutil.copy(SEEDS[0], archive / "good.txt")
    os.symlink(outside / "secret.txt", archive / "passwd.txt")
    os.symlink(outside / "etc", archive / "etc")
    os.symlink(archive / "good.txt", archive / "sub" / "inside.txt")  # inside: a copy, read
    ix = str(tmp_path / "ix")

    p = run_cli("ingest", str(archive), "--index", ix, "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    skipped = {os.path.basename(s["path"]): s["reason"] for s in out["skipped"]}
    assert "outside the folders given" in skipped["passwd.txt"]
    assert "outside the folders given" in skipped["etc"]  # the folder, once: not walked
    assert out["ingested"] == 1
    listed = json.loads(run_cli("reports", "--index", ix, "--json").stdout)["reports"]
    assert [os.path.basename(r["source"]) for r in listed] == ["good.txt"]

    p = run_cli("ingest", str(archive), "--index", ix, "--follow-symlinks", "--json")
    assert json.loads(p.stdout)["ingested"] == 4


ESC_TITLE = "\x1b]0;PWNED\x07临潼区2019年政府信息公开工作年度报告"


def _escape_corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    text = SEEDS[0].read_text("utf-8")
    lines = text.splitlines()
    # a title, an agency line and body text carrying escape sequences; a file named with them
    lines[0] = ESC_TITLE
    lines.insert(3, "政务公开\x1b[2J\x1b[31m清屏后的红字\x1b[0m。")
    (d / "report\x1b[31m.txt").write_text("\n".join(lines), "utf-8")
    (d / "bad\x1b]0;OWNED\x07\nforged: ingested 99.txt").write_text("", "utf-8")  # fails
    return d


def test_no_escape_code_reaches_the_terminal_but_json_keeps_them(tmp_path):
    d = _escape_corpus(tmp_path)
    ix = str(tmp_path / "ix")
    p = run_cli("ingest", str(d), "--index", ix)
    assert p.returncode == 3  # the empty file failed
    printed = [p.stdout, p.stderr]
    assert "\nforged" not in p.stderr  # the newline in the name is shown, not obeyed
    assert "bad␛]0;OWNED␇␊forged" in p.stderr

    res = json.loads(run_cli("search", "清屏后的红字", "--index", ix, "--json").stdout)
    hit = res["hits"][0]
    assert "\x1b" in hit["title"] or "\x1b" in hit["text"]  # JSON stays exact
    rid = hit["report_id"]
    for args in (
        ("search", "清屏后的红字"),
        ("search", "政务公开"),
        ("show", rid),
        ("reports",),
        ("kwic", "红字"),
        ("compare", "政务公开"),
    ):
        q = run_cli(*args, "--index", ix)
        assert q.returncode == 0, (args, q.stderr)
        printed += [q.stdout, q.stderr]
    shown = "".join(printed)
    assert "PWNED" in shown  # the title is printed …
    for bad in ("\x1b", "\x07", "\x9b"):
        assert bad not in shown  # … with nothing a terminal obeys
    assert "␛]0;PWNED␇" in shown


def test_gb18030_with_undecodable_bytes_is_named_not_indexed_garbled(tmp_path):
    text = SEEDS[0].read_text("utf-8")
    title = text.splitlines()[0]
    data = text.encode("gb18030")
    d = tmp_path / "in"
    d.mkdir()
    # a couple of broken bytes in a long report: kept, the title whole
    (d / "few.txt").write_bytes(data[:3000] + b"\xff\xfe" + data[3000:])
    # a byte in 250 broken (a transfer that mangled it: ~1 % of the characters garbled, the
    # title among them): refused and named
    mangled = bytearray(SEEDS[1].read_text("utf-8").encode("gb18030"))
    for i in range(0, len(mangled), 250):
        mangled[i] = 0xFF
    (d / "mangled.txt").write_bytes(bytes(mangled))
    ix = str(tmp_path / "ix")
    p = run_cli("ingest", str(d), "--index", ix, "--json")
    out = json.loads(p.stdout)
    assert [os.path.basename(f["path"]) for f in out["failed"]] == ["mangled.txt"]
    assert "undecodable bytes" in out["failed"][0]["reason"]
    assert "save it again as UTF-8" in out["failed"][0]["reason"]
    listed = json.loads(run_cli("reports", "--index", ix, "--json").stdout)["reports"]
    assert [r["title"] for r in listed] == [title]
