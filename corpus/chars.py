"""Character classes, defined once for every layer."""

from __future__ import annotations

import re

# CJK unified ideographs (extension A, the basic block, compatibility ideographs, planes 2-3)
CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
CJK = re.compile(f"[{CJK_RANGES}]")
WORDISH = re.compile(r"\w")  # a token worth indexing holds a letter, digit or underscore
LETTER = re.compile(r"[^\W_]")  # a letter or digit: what phrases and bigrams are made of
NOT_LETTER = re.compile(r"[\W_]+")
