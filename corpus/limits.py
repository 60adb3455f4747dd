"""The reading limits of corpus/, as plain figures. index/settings.py lists them in the one
settings table (SETTINGS) with their help; they are defined here because corpus/ is the lowest
layer and may not import from index/. Each is used where its module says."""

from __future__ import annotations

import os

MAX_MB = 16  # files (and JSONL lines) larger than this many MB are refused as too large
# More pages than any annual report has (the longest real ones run to ~80): a file claiming this
# many is a page-reference bomb or not a report, and would take minutes to walk.
MAX_PAGES = 2000
# A .docx is a zip: what its parts declare they expand to (zipfile never reads past a part's
# declared size) is checked before any part is inflated, so a zip bomb is named, not inflated.
MAX_DOCX_EXPANDED_MB = 200
MAX_DOCX_RATIO = 200  # expanded / compressed over the whole package; real reports stay under 20
# Spans beyond these are not layout but noise (or hostile): they are clamped, so one cell
# cannot blow a grid up to millions of cells.
MAX_COLS = 64
MAX_SPAN_ROWS = 200
# The statistics tables run to a few dozen rows; a grid of thousands (a page's list of
# documents) is not one of them and is not read row by row.
MAX_TABLE_ROWS = 400
MAX_CHARS = 400  # characters of a passage
MERGE_BELOW = 120  # a passage shorter than this takes the next line too
OCR_DPI = 200  # scanned PDF pages are rendered at this resolution for OCR
OCR_WORKERS = max(1, os.cpu_count() or 1)  # page worker processes (GONGKAI_OCR_WORKERS)
OCR_PAGE_SECONDS = 300.0  # a page still being read after this is named unreadable
MAX_IMAGE_SIDE = 4000  # pixels: larger images are scaled down before OCR
