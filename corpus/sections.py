"""Headings and the canonical `section` facet.

Headings are numbered lines: 第一部分 / 一、 / （一） / 1.  A run of 一、二、 that restarts
inside a top-level section (四、下一步工作打算 → 一、… 二、…) is read as that section's
sub-items, not as new sections."""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTIONS = [
    "总体情况",
    "主动公开",
    "依申请公开",
    "复议诉讼",
    "收费减免",
    "组织保障",
    "平台建设",
    "监督考核",
    "宣传培训",
    "重点工作",
    "存在问题",
    "改进计划",
    "其他",
]
GENERIC = {"总体情况", "其他"}
# Sub-items under these belong to them (a plan's items are the plan), unless the sub-item is
# itself one of them (存在的主要问题及改进措施 → （一）存在的问题 （二）改进措施).
CONTAINERS = {"存在问题", "改进计划"}

# Ordered: the first rule that matches wins.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("依申请公开", re.compile(r"依申请|收到和处理")),
    ("复议诉讼", re.compile(r"复议|诉讼|申诉")),
    ("依申请公开", re.compile(r"公开申请|申请公开")),
    ("收费减免", re.compile(r"收费|减免|收取费用")),
    ("存在问题", re.compile(r"问题|不足|困难|差距|薄弱")),
    (
        "改进计划",
        re.compile(
            r"打算|计划|整改|安排|改进|下一步|思路|努力方向|展望|今后|设想|任务|目标|\d{4}\s*年.{0,4}工作$"
        ),
    ),
    ("主动公开", re.compile(r"主动公开")),
    ("监督考核", re.compile(r"监督|考核|督查|督促|检查|评议|问责|责任追究|考评|测评")),
    ("宣传培训", re.compile(r"培训|宣传|会议|学习|教育")),
    (
        "平台建设",
        re.compile(r"平台|网站|载体|渠道|栏目|信息化|新媒体|政务微|查阅|场所|形式|窗口|热线"),
    ),
    ("组织保障", re.compile(r"组织|领导|机构|经费|保障|机制|制度|队伍|人员|职责|责任")),
    ("重点工作", re.compile(r"重点|重大|专项|领域")),
    (
        "总体情况",
        re.compile(r"总体|概述|概况|基本情况|开展情况|工作情况|总体情况|回顾|总结|成效|主要做法"),
    ),
]

_CN_NUM = "一二三四五六七八九十百零〇两"
_CN_VAL = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

RE_PART = re.compile(rf"^第\s*([{_CN_NUM}\d]+)\s*(部分|章|篇)\s*[、：:．.]?\s*")
RE_L1 = re.compile(rf"^([{_CN_NUM}]+)\s*[、．.，,：:]\s*")
RE_L2 = re.compile(rf"^[（(]\s*([{_CN_NUM}]+)\s*[）)]\s*[、．.]?\s*")
RE_L3 = re.compile(r"^(\d{1,2})\s*[、．.](?!\d)\s*")
# 附件1：…统计表 / 附件：… — an annex title is a top-level heading of its own.
RE_ANNEX = re.compile(r"^附件\s*(\d{0,2})\s*[：:]\s*(?=\S)")
_SENT_END = re.compile(r"[。！？；!?;]")
# The row labels of the standard table 三 (一、本年新收… 二、上年结转… 三、本年度办理结果 四、结转下年度
# 继续办理), numbered like headings: where a table is printed a cell per line they are rows.
_TABLE_ROW = re.compile(
    r"^(本年新收|上年结转|本年度?办理结果|结转下一?年度?|下年度继续办理|本年度?新收)"
)
# Any table's row printed as a line: its label, then its figures (一、主动公开信息数 条 425 1516).
_ROW_FIGURES = re.compile(r"(?:\s|[条件个项次元])\s*\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?)*\s*$")


def cn_to_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            cur = _CN_VAL.get(ch, 0)
    return total + cur


def label_for(heading: str) -> str:
    """Canonical section label for a heading's text (numbering already stripped or not)."""
    text = heading
    for rx in (RE_PART, RE_L1, RE_L2, RE_L3):
        text = rx.sub("", text, count=1)
    for label, rx in _RULES:
        if rx.search(text):
            return label
    return "其他"


@dataclass
class Heading:
    level: int  # 0 part, 1 一、, 2 （一）, 3 1.
    number: int
    text: str  # the heading as written (a run-in heading: up to its first full stop)
    inline_rest: str  # body text that follows a run-in heading on the same line


def match_heading(line: str) -> Heading | None:
    if " | " in line:
        return None  # a table row (一、本年新收… | 37), not a heading
    m = RE_ANNEX.match(line)
    if m:
        if len(line) > 60 or _SENT_END.search(line):
            return None
        return Heading(0, int(m.group(1) or 1), line, "")
    for level, rx in ((0, RE_PART), (1, RE_L1), (2, RE_L2), (3, RE_L3)):
        m = rx.match(line)
        if not m:
            continue
        rest = line[m.end() :]
        if not rest or (level == 1 and m.group(0).rstrip()[-1] in ".．" and rest[0].isdigit()):
            return None  # 一、 alone, or a decimal like 一.5
        number = cn_to_int(m.group(1))
        if number <= 0 or (level in (1, 2) and _TABLE_ROW.match(rest)):
            return None
        if _ROW_FIGURES.search(rest) and not _SENT_END.search(rest):
            return None
        sent = _SENT_END.search(line)
        if sent is None:
            if len(line) > 60 or (level == 3 and len(line) > 30):
                return None
            return Heading(level, number, line.rstrip("：:"), "")
        head, tail = line[: sent.start()], line[sent.end() :].strip()
        if level == 3 or len(head) > 40:
            return None  # numbered list items with prose are not headings
        if not tail and len(head) > 50:
            return None
        return Heading(level, number, head, tail)
    return None


class SectionTracker:
    """Feeds lines in order and knows, for each, the current heading and section label."""

    def __init__(self) -> None:
        self.top_number = 0
        self.top_label = "总体情况"
        self.top_heading = ""
        self.nested_l1 = 0  # numbering of 一、 items restarted inside the current top section
        self.sub_label: str | None = None
        self.heading = ""
        self.label = "总体情况"
        self.seen_l1 = False
        self.l2_number = 0

    def _set_top(self, h: Heading) -> None:
        self.top_number = h.number
        self.top_label = label_for(h.text)
        self.top_heading = h.text
        self.nested_l1 = 0
        self.l2_number = 0
        self.sub_label = None
        self.heading = h.text
        self.label = self.top_label

    def _set_sub(self, h: Heading) -> None:
        own = label_for(h.text)
        parent = self.top_label
        if parent in CONTAINERS and own not in CONTAINERS:
            label = parent
        elif own in GENERIC:
            label = parent
        else:
            label = own
        self.sub_label = label
        self.heading = h.text
        self.label = label

    def feed(self, h: Heading) -> None:
        if h.level == 0:
            self._set_top(h)
            self.seen_l1 = False
        elif h.level == 1:
            restart = (
                self.seen_l1 and h.number <= self.top_number and h.number == self.nested_l1 + 1
            )
            continuing = (
                self.nested_l1
                and h.number == self.nested_l1 + 1
                and h.number != self.top_number + 1
            )
            if restart or continuing:
                self.nested_l1 = h.number
                self._set_sub(h)
            else:
                self.seen_l1 = True
                self._set_top(h)
        elif h.level == 2:
            self.l2_number = h.number
            self._set_sub(h)
        else:  # level 3: a heading for display, the label stays with the enclosing section
            self.heading = h.text


def top_headings(lines: list[str]) -> list[str]:
    """The report's top-level headings as printed, in order (what a table of contents lists)."""
    tracker = SectionTracker()
    out: list[str] = []
    for line in lines:
        h = match_heading(line)
        if h is None:
            continue
        tracker.feed(h)
        if h.level <= 1 and tracker.sub_label is None and tracker.top_heading == h.text:
            out.append(h.text)
    return out


# -- flattened text ---------------------------------------------------------------------------
# Crawlers and copy-paste often flatten a report onto a few very long lines. Its headings are then
# inline: "…联系。 一、总体情况 2023年，…" or "…0000000四、政府信息公开行政复议、行政诉讼情况行政复议…".
FLAT_LINE = 600  # a line this long is a flattened body, not a paragraph
_INLINE_L1 = re.compile(
    rf"(?:^|(?<=[。！？；：!?;:\s\d）)]))(第[{_CN_NUM}\d]{{1,3}}(?:部分|章|篇)[、：:．.]?|[{_CN_NUM}]{{1,3}}、|附件\s*\d{{0,2}}\s*[：:])"
)
_INLINE_L2 = re.compile(rf"(?:^|(?<=[。！？；：!?;:\s]))([（(][{_CN_NUM}]{{1,3}}[）)])")
# Where a heading's text ends: these words close headings of the genre (…情况, …事项, …统计表);
# the first group is preferred (longest match), the second is taken at its first occurrence.
_END_STRONG = re.compile(r"(情况|事项|概述|概况|简况|统计表|情况表)")
_END_WEAK = re.compile(
    r"(措施|打算|计划|问题|不足|做法|成效|方向|安排|思路|方面|目标|任务|工作|建设|机制|制度)"
)
_WINDOW_END = re.compile(r"[，。；：！？,;:!?\s]|(?=\d{1,2}[、．.](?!\d))")
_SENT_CLOSE = re.compile(r"^[。；;]")
# A flattened table row: cells run together as digits (801000081), or a number that is not a date.
_DIGITS_AFTER = re.compile(r"\d+(?![\d年月日])")
_TABLE_DIGITS = re.compile(r"\d{5,}|\d(?![\d年月日号期届次.．%、])")


def _heading_len(rest: str) -> int | None:
    """Length of the heading text at the start of `rest` (after its number), or None."""
    m = _WINDOW_END.search(rest)
    window = rest[: m.start()] if m else rest
    window = window[:40]
    if not window:
        return None
    strong = _END_STRONG.search(window)
    if strong:
        end = strong.end()
        while (more := _END_STRONG.match(window, end)) is not None:
            end = more.end()  # …情况 + 统计表
        if _TABLE_DIGITS.search(window[:end]) or _DIGITS_AFTER.match(rest, end):
            return None  # a table row's label: 一、本年新收…数量801000081
        return end
    if _TABLE_DIGITS.search(window):
        return None
    # A run-in heading up to its full stop: （三）加强平台建设，完善政府信息公开形式。
    sent = _SENT_END.search(rest)
    if sent and sent.start() <= 40 and not _TABLE_DIGITS.search(rest[: sent.start()]):
        return sent.end()
    weak = _END_WEAK.search(window)
    if weak and weak.end() >= 4:
        return weak.end()
    at_break = len(window) < 40 and (m is not None or len(rest) == len(window))
    return len(window) if at_break and len(window) <= 20 else None


def unflatten(lines: list[str]) -> list[str]:
    """Split very long lines before the headings they carry inline, each heading on a line of
    its own. Numbers must run in sequence (一、 then 二、), and a label followed by runs of table
    digits (一、本年新收…数量801000081) is a table row, never a heading."""
    out: list[str] = []
    last_l1 = 0
    for line in lines:
        if len(line) < FLAT_LINE:
            h = match_heading(line)
            if h is not None and h.level == 1:
                last_l1 = h.number
            out.append(line)
            continue
        cuts: list[tuple[int, int, int, str]] = []  # (start, end of heading text, level, number)
        for rx, level in ((_INLINE_L1, 1), (_INLINE_L2, 2)):
            for m in rx.finditer(line):
                num = m.group(1)
                rest = line[m.end() :].lstrip(" \u3000\xa0")
                n = _heading_len(rest)
                if n is None:
                    continue
                end = len(line) - len(rest) + n
                if end < len(line) and _SENT_CLOSE.match(line[end:]):
                    end += 1
                cuts.append((m.start(1), end, level, num))
        cuts.sort()
        pos = 0
        for start, end, level, num in cuts:
            if start < pos:
                continue
            if level == 1 and num.endswith("、"):
                number = cn_to_int(num[:-1])
                if number not in (last_l1 + 1, 1) or number == last_l1:
                    continue
                last_l1 = number
            if line[pos:start].strip():
                out.append(line[pos:start].strip())
            out.append(line[start:end].strip())
            pos = end
        if line[pos:].strip():
            out.append(line[pos:].strip())
    return out
