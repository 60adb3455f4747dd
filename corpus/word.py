"""Word reports: .docx through python-docx (paragraphs in order, tables with merged cells, the
Title/Heading styles as clues), a true binary .doc through antiword or catdoc when installed,
RTF through striprtf. A .doc that is really HTML or a PDF never reaches here (corpus/sniff.py)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

from corpus.limits import MAX_DOCX_EXPANDED_MB, MAX_DOCX_RATIO
from corpus.model import Grid, ParsedDoc


class WordError(ValueError):
    """A Word file that cannot be read; the message is the reason."""


def _check_package(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise WordError(f"damaged .docx ({type(e).__name__})") from None
    expanded = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if expanded > MAX_DOCX_EXPANDED_MB * 1_000_000:
        raise WordError(
            f"DOCX expands past {MAX_DOCX_EXPANDED_MB} MB ({expanded / 1e6:,.0f} MB); not read"
        )
    if expanded > 10_000_000 and expanded > MAX_DOCX_RATIO * max(packed, 1):
        raise WordError(
            f"DOCX expands {expanded / max(packed, 1):,.0f} times its size (a zip bomb?); not read"
        )


def _cell_text(cell) -> str:
    return " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())


def parse_docx(data: bytes) -> ParsedDoc:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    _check_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise WordError(f"damaged .docx ({type(e).__name__})") from None
    except Exception as e:  # lxml errors in a corrupt part: still one line, never a traceback
        raise WordError(f"damaged .docx ({type(e).__name__}: {e})") from None
    lines: list[str] = []
    tables: list[Grid] = []
    headline = ""
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            if not headline and not lines and re.match(r"(Title|标题)$", style):
                headline = text
            elif not headline and len(lines) < 4 and re.match(r"(Heading ?1|标题 ?1)$", style):
                headline = text
            lines.append(text)
        elif tag == "tbl":
            grid, rows = _table(Table(child, document))
            if grid:
                tables.append(grid)
                lines.extend(rows)
    props = document.core_properties
    return ParsedDoc(
        lines=lines,
        tables=tables,
        headline=headline,
        headline_source="docx-style",
        weak_title=(props.title or "").strip(),
    )


def _table(table) -> tuple[Grid, list[str]]:
    """python-docx repeats a merged cell (gridSpan, vMerge) at every position it covers: the Grid
    keeps that; the text rows show each cell once."""
    grid: Grid = []
    rows: list[str] = []
    seen: dict[int, object] = {}  # id → the cell element, kept alive so ids are not reused
    for row in table.rows:
        cells = row.cells
        grid.append([_cell_text(c) for c in cells])
        shown = []
        for c in cells:
            if id(c._tc) in seen:
                continue
            seen[id(c._tc)] = c._tc
            t = _cell_text(c)
            if t:
                shown.append(t)
        if shown:
            rows.append(" | ".join(shown))
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    return grid, rows


def parse_doc(data: bytes) -> ParsedDoc:
    """A binary Word 97-2003 file, through antiword (better with tables) or catdoc."""
    for tool, args in (
        ("antiword", ["-w", "0", "-m", "UTF-8.txt", "-"]),
        ("catdoc", ["-d", "utf-8"]),
    ):
        exe = shutil.which(tool)
        if not exe:
            continue
        try:
            res = subprocess.run(
                [exe, *args], input=data, capture_output=True, timeout=60, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        text = res.stdout.decode("utf-8", errors="replace")
        if res.returncode == 0 and text.strip():
            return ParsedDoc(lines=[ln for ln in text.splitlines() if ln.strip()])
    if not (shutil.which("antiword") or shutil.which("catdoc")):
        raise WordError(
            "binary Word .doc needs antiword or catdoc (apt-get install antiword), or save it as .docx"
        )
    raise WordError("binary Word .doc that antiword and catdoc cannot read (damaged?)")


def parse_rtf(data: bytes) -> ParsedDoc:
    from striprtf.striprtf import rtf_to_text

    head = data[:2000].decode("latin-1")
    m = re.search(r"\\ansicpg(\d+)", head)
    encoding = f"cp{m.group(1)}" if m else "cp936"
    try:
        text = rtf_to_text(data.decode("latin-1"), encoding=encoding, errors="replace")
    except Exception as e:
        raise WordError(f"unreadable RTF ({type(e).__name__})") from None
    return ParsedDoc(lines=[ln for ln in text.splitlines() if ln.strip()])
