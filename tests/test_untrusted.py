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
