"""Finding input files: recursive, symlink-loop safe, with a reason for everything skipped."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace

TEXT_EXT = {".txt", ".text"}
HTML_EXT = {".html", ".htm", ".shtml", ".xhtml"}
JSONL_EXT = {".jsonl", ".ndjson"}
# Read by content (corpus/sniff.py): the extension only says a file is worth opening.
DOC_EXT = {".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "doc", ".rtf": "rtf"}
WARC_EXT = {".warc", ".arc"}
# Scanned report pages saved as images: read through OCR (corpus/ocr.py).
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".tif", ".tiff"}
KNOWN_EXT = TEXT_EXT | HTML_EXT | JSONL_EXT | set(DOC_EXT) | WARC_EXT | IMAGE_EXT


def read_types() -> str:
    """Every file type ingest reads, for help texts: `.txt .text .html …` (from the sets above)."""
    kinds = [TEXT_EXT, HTML_EXT, set(DOC_EXT), WARC_EXT | {e + ".gz" for e in WARC_EXT}]
    kinds += [JSONL_EXT, IMAGE_EXT]
    return " ".join(e for k in kinds for e in sorted(k, key=lambda e: (len(e), e)))


# NAME.url / NAME.json beside NAME.html carry its URL and fields (corpus/reader.py).
SIDECAR_EXT = (".url", ".json")


@dataclass(frozen=True)
class Found:
    path: str
    # "text" | "html" | "jsonl" | "pdf" | "docx" | "doc" | "rtf" | "warc" | "image" | "skip" | "error"
    kind: str
    reason: str = ""
    size: int = 0
    # The file's name relative to the folder given to ingest (a file given itself: its base
    # name). What the index stores as `source` and a citation names: the same on every
    # machine, never a folder of the disk it was read from.
    name: str = ""

    @property
    def shown(self) -> str:
        """The path as the operator gave it: bytes of a name that is not UTF-8 shown escaped,
        \\xff, so it can be printed."""
        return shown(self.path)

    @property
    def shown_name(self) -> str:
        """`name` (the base name when unset) as `shown` shows a path."""
        return shown(self.name or os.path.basename(self.path))


def shown(path: str) -> str:
    """`path` with the undecodable bytes of its name (os.fsdecode's surrogates) as \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def kind_of(path: str) -> str | None:
    root, ext = os.path.splitext(path)
    ext = ext.lower()
    if ext == ".gz":
        ext2 = os.path.splitext(root)[1].lower()
        return "warc" if ext2 in WARC_EXT else None
    if ext in WARC_EXT:
        return "warc"
    if ext in DOC_EXT:
        return DOC_EXT[ext]
    if ext in IMAGE_EXT:
        return "image"
    if ext in TEXT_EXT:
        return "text"
    if ext in HTML_EXT:
        return "html"
    if ext in JSONL_EXT:
        return "jsonl"
    return None


def _classify(path: str) -> Found:
    try:
        st = os.stat(path)  # follows links; a dangling link raises
    except FileNotFoundError:
        if os.path.islink(path):
            return Found(path, "error", "dangling symlink")
        return Found(path, "error", "no such file")
    except OSError as e:
        return Found(path, "error", f"unreadable ({e.strerror or e})")
    if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read (holding the index lock)
        return Found(path, "skip", "not a regular file")
    kind = kind_of(path)
    if kind is None:
        ext = os.path.splitext(path)[1] or "no extension"
        owner = sidecar_owner(path)
        if owner:
            return Found(path, "skip", f"sidecar of {os.path.basename(owner)}", st.st_size)
        return Found(path, "skip", f"unsupported file type ({ext})", st.st_size)
    return Found(path, kind, "", st.st_size)


def sidecar_owner(path: str) -> str | None:
    """The report a NAME.url / NAME.json file describes (NAME.html, or NAME.EXT.json), if any."""
    root, ext = os.path.splitext(path)
    if ext.lower() not in SIDECAR_EXT:
        return None
    if kind_of(root) not in (None, "jsonl") and os.path.isfile(root):
        return root
    for known in sorted(KNOWN_EXT - JSONL_EXT):
        if os.path.isfile(root + known):
            return root + known
    return None


def discover(paths: list[str], outside: bool = False) -> Iterator[Found]:
    """Yield every file under `paths` in a stable order. Directories are walked following
    symlinks, but each real directory is entered once, so loops end. A symlink met on the way
    whose target lies outside every folder given is skipped and named (`outside`: read it):
    a crawler's archive must not lead ingest to /etc/passwd."""
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    roots = [os.path.realpath(t) for t in paths]

    def escapes(p: str) -> Found | None:
        if outside or not os.path.islink(p):
            return None
        real = os.path.realpath(p)
        if any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots):
            return None
        return Found(
            p,
            "skip",
            f"symlink to {shown(real)}, outside the folders given (--follow-symlinks reads it)",
        )

    def walk(top: str) -> Iterator[Found]:
        try:
            st = os.stat(top)
        except OSError:
            yield _classify(top)
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            return
        seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(top), key=lambda e: e.name)
        except OSError as e:
            yield Found(top, "error", f"unreadable directory ({e.strerror or e})")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            p = entry.path
            away = escapes(p)
            if away is not None:
                yield away
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                yield from walk(p)
            else:
                yield from one(p)

    def one(p: str) -> Iterator[Found]:
        real = os.path.realpath(p)
        if real in seen_files and os.path.exists(real):
            return
        seen_files.add(real)
        yield _classify(p)

    for top in paths:
        if os.path.isdir(top):
            for f in walk(top):
                yield replace(f, name=os.path.relpath(f.path, top))
        else:
            for f in one(top):
                yield replace(f, name=os.path.basename(f.path))
