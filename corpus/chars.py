"""Character classes, defined once for every layer."""

from __future__ import annotations

import re

# The basic block of CJK unified ideographs: where nearly all modern Chinese lies (what the
# heuristics that look for Chinese text — a decoding's share of it, an agency's name — count)
HAN = "\u4e00-\u9fff"
HAN_CHAR = re.compile(f"[{HAN}]")
# CJK unified ideographs (extension A, the basic block, compatibility ideographs, planes 2-3)
CJK_RANGES = f"\u3400-\u4dbf{HAN}\uf900-\ufaff\U00020000-\U0003ffff"
CJK = re.compile(f"[{CJK_RANGES}]")
# CJK symbols and punctuation, and the full-width forms (，。：（）ＡＢ１２…)
CJK_PUNCT_RANGES = "\u3000-\u303f\uff00-\uffef"
WORDISH = re.compile(r"\w")  # a token worth indexing holds a letter, digit or underscore
LETTER = re.compile(r"[^\W_]")  # a letter or digit: what phrases and bigrams are made of
NOT_LETTER = re.compile(r"[\W_]+")
