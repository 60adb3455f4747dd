"""The 政府信息公开情况统计表 of 2008–2018 (指标名称 / 计量单位 / 本年度 / 历年累计) read into
`stats` with format "2008".

Provinces printed their own variants of the table: rows added, renamed, reordered, numbered or
not, the unit column present or not, the 历年累计 column present or not. So a row is known by
the words of its label (受理…申请…总数, 当面, 同意公开 …), a sub-row (其中：1. …) by those words
under the row above it, and a row nobody planned for is kept under its printed label.

Each row keeps its 本年度 figure (`year`), its 历年累计 figure (`cumulative`), its unit and its
label as printed. The rows whose meaning matches a figure of the standard tables are also put
under the standard keys (MAP_2008), so one series runs 2008 → 2025.

A crawler that flattened the table runs the two columns together (`受理依申请公开信息总数条2121`
is 21 and 21). Such a run is split only where the split is forced: no leading zeros, 历年累计 not
below 本年度, and a row equal to the sum of its 其中 rows (for each column) where that leaves one
reading; otherwise the row keeps its `printed` digits and its figures stay None."""

from __future__ import annotations

import itertools
import re

from corpus.chars import HAN_CHAR
from corpus.model import Grid
from corpus.stats import MAX_TABLE_ROWS, Value, norm, parse_value
from corpus.tables import text_grids

# The standard-table figure each 2008 row gives the same meaning to (its 本年度 figure). One
# definition: the reader writes them into `stats`, the stats tool reads sums through them.
MAP_2008 = {
    "requests": ("requests", "new", "total"),
    "replies": ("requests", "total", "total"),
    "replies_granted": ("requests", "granted", "total"),
    "replies_partial": ("requests", "partial", "total"),
    "review": ("review", "total"),
    "litigation": ("litigation_direct", "total"),
}
# The row each key names, as the table of 2008 prints it (a row not listed is keyed by its label).
ROW_LABELS_2008 = {
    "active": "主动公开信息数",
    "active_web": "主动公开：网站公开",
    "active_gazette": "主动公开：政府公报公开",
    "active_press": "主动公开：新闻发布、报刊、广播电视",
    "active_archive": "主动公开：档案馆、图书馆、查阅点",
    "active_board": "主动公开：公开栏、电子屏",
    "active_other": "主动公开：其他形式",
    "requests": "受理依申请公开信息总数",
    "requests_in_person": "申请：当面申请数",
    "requests_fax": "申请：传真申请数",
    "requests_email": "申请：电子邮件申请数",
    "requests_letter": "申请：信函申请数",
    "requests_phone": "申请：电话申请数",
    "requests_online": "申请：网上申请数",
    "requests_other": "申请：其他形式申请数",
    "replies": "对申请的答复数",
    "replies_granted": "答复：同意公开",
    "replies_partial": "答复：同意部分公开",
    "replies_refused": "答复：否决公开",
    "replies_not_held": "答复：信息不存在或非本机关掌握",
    "replies_other": "答复：其他",
    "review": "行政复议数",
    "litigation": "行政诉讼数",
    "appeal": "行政申诉数",
    "fees": "收取费用",
    "fees_exempt": "减免费用",
    "consultations": "咨询数",
}
COLUMNS_2008 = ("year", "cumulative")
COLUMN_LABELS_2008 = {"year": "本年度", "cumulative": "历年累计"}
# Summed metrics of the standard format that a 2008 row gives whole (the standard format
# splits them into parts): 否决公开 is every refusal, 行政诉讼数 every lawsuit.
SUMS_2008 = {"requests.refused.total": "replies_refused", "litigation.total": "litigation"}

# -- the rows: (key, the words that identify it); parents, then sub-rows by their parent ---------
PARENTS = [
    ("replies", r"答复"),
    ("requests", r"依申请公开信息总数|受理.{0,8}申请|申请.{0,6}总数|依申请公开.{0,6}数"),
    ("active", r"主动公开"),
    ("review", r"行政复议"),
    ("litigation", r"行政诉讼"),
    ("appeal", r"申诉"),
    ("fees_exempt", r"减免"),
    ("fees", r"收费|收取|费用"),
    ("consultations", r"咨询"),
]
CHILDREN = {
    "requests": [
        ("in_person", r"当面|现场|来访"),
        ("fax", r"传真"),
        ("email", r"电子邮件|邮箱|(?i:e-?mail)"),
        ("letter", r"信函|邮寄|信件|书面"),
        ("phone", r"电话"),
        ("online", r"网上|网络|在线|互联网|网站"),
        ("other", r"其[他它]"),
    ],
    "replies": [
        ("partial", r"部分公开"),
        ("refused", r"否决|不予公开|不同意公开|不公开"),
        ("granted", r"同意公开|予以公开"),
        ("not_held", r"不存在|不掌握|非本机关|不属于"),
        ("other", r"其[他它]"),
    ],
    "active": [
        ("web", r"网站|网上|互联网|网络"),
        ("gazette", r"公报"),
        ("press", r"新闻发布|报刊|广播|电视|媒体"),
        ("archive", r"档案|图书馆|查阅"),
        ("board", r"公开栏|公示栏|触摸屏|电子屏|显示屏|宣传栏"),
        ("other", r"其[他它]"),
    ],
}
# Sub-rows whose words say which parent they belong to even when printed out of place.
_OWN_PARENT = [("replies", r"同意公开|部分公开|否决|不予公开"), ("requests", r"申请数|申请$")]
# Sub-rows that split their parent whole (the parent's figure is their sum) — checked.
PARTITIONS = ("requests", "replies")

_SUBROW = re.compile(r"^(?:其中[:：]?|[(（]?\d{1,2}[)）.、．]|[(（][一二三四五六七八九十]+[)）])")
_NUMBERING = re.compile(
    r"^(?:其中[:：]?\s*)?(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．)）])?"
)
UNITS = ("人次", "万元", "条", "件", "个", "次", "元", "项", "宗", "期", "人", "份", "场")
_UNIT_CELL = re.compile(r"^(?:" + "|".join(UNITS) + r")$")
_HEAD_LABEL = re.compile(r"指标名称|指标|项目|名称")
_HEAD_YEAR = re.compile(r"本年|年度|本期|\d{4}年|当年|数量")
_HEAD_CUM = re.compile(r"累计")
# Words only the old table's rows print: its request row in any province's wording, its replies.
_SIGNATURE = re.compile(PARENTS[1][1] + r"|主动公开.{0,4}信息数|对申请的答复|答复数")


def _compiled(table: list[tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    return [(k, re.compile(w)) for k, w in table]


_PARENTS = _compiled(PARENTS)
_CHILDREN = {p: _compiled(rows) for p, rows in CHILDREN.items()}
_OWN = _compiled(_OWN_PARENT)


def _first(table, text: str) -> str | None:
    return next((k for k, pat in table if pat.search(text)), None)


class _Row:
    def __init__(self, label: str, unit: str, parent: str | None) -> None:
        self.label = label
        self.unit = unit
        self.parent = parent  # the key of the row this one is a 其中 of
        self.key = ""
        self.year: Value = None
        self.cumulative: Value = None
        self.readings: list[tuple[int, int | None]] = []  # a flattened run's possible splits
        self.printed = ""


class _Table:
    """Rows in print order, each keyed by meaning (a sub-row by its parent's words)."""

    def __init__(self, has_cumulative: bool = True) -> None:
        self.rows: list[_Row] = []
        self.has_cumulative = has_cumulative
        self._parent: str | None = None

    def add(self, label: str, unit: str = "") -> _Row:
        text = norm(label)
        bare = _NUMBERING.sub("", text).strip(":：") or text
        sub = bool(_SUBROW.match(text))
        cur = self._parent
        under_cur = _first(_CHILDREN[cur], bare) if cur in _CHILDREN else None
        own = _first(_OWN, bare)
        under_own = _first(_CHILDREN[own], bare) if own else None
        key, parent = bare, None
        if sub and under_cur:
            key, parent = f"{cur}_{under_cur}", cur
        elif under_own:  # 同意公开答复数 printed without 其中, or out of place
            key, parent = f"{own}_{under_own}", own
        elif top := _first(_PARENTS, bare):
            key = top
            self._parent = top
        elif under_cur:
            key, parent = f"{cur}_{under_cur}", cur
        elif sub:
            parent = cur  # a sub-row nobody planned for: still a part of its parent
        row = _Row(label.strip(), unit, parent)
        taken = {r.key for r in self.rows}
        row.key, n = key, 2
        while row.key in taken:
            row.key, n = f"{bare}#{n}", n + 1
        self.rows.append(row)
        return row


# -- grids (HTML, DOCX, PDF, pipe rows) --------------------------------------------------------------


def _header_cols(cells: list[str]) -> tuple[int | None, int | None] | None:
    """(本年度 column, 历年累计 column) when `cells` is the table's header row."""
    if not any(_HEAD_LABEL.search(c) for c in cells) and not any(
        _HEAD_CUM.search(c) for c in cells
    ):
        return None
    year = next((i for i, c in enumerate(cells) if _HEAD_YEAR.search(c) and "累计" not in c), None)
    cum = next((i for i, c in enumerate(cells) if _HEAD_CUM.search(c)), None)
    if year is None and cum is None:
        return None
    return year, cum


def _read_grid(grid: Grid) -> _Table | None:
    cols: tuple[int | None, int | None] | None = None
    table = _Table()
    for raw in grid:
        cells = [norm(c) for c in raw]
        head = _header_cols(cells)
        if head is not None and not any(_is_figure(c) for c in cells):
            cols = head
            table.has_cumulative = head[1] is not None
            continue
        labels: list[str] = []
        unit = ""
        figures: list[tuple[int, Value]] = []
        for i, c in enumerate(cells):
            printed = " ".join(str(raw[i]).split())
            if not c:
                if labels:
                    figures.append((i, None))
                continue
            ok, v = parse_value(c)
            if _UNIT_CELL.match(c):
                unit = c
            elif ok:
                figures.append((i, v))
            elif printed not in labels:
                labels.append(printed)
        label = "".join(labels)
        if not label or not figures or not HAN_CHAR.search(label):
            continue
        if cols is not None:
            by_pos = dict(figures)
            year = by_pos.get(cols[0]) if cols[0] is not None else None
            cum = by_pos.get(cols[1]) if cols[1] is not None else None
        else:
            given = [v for _, v in figures]
            while given and given[-1] is None:
                given.pop()
            year = given[0] if given else None
            cum = given[1] if len(given) > 1 else None
        row = table.add(label, unit)
        row.year, row.cumulative = year, cum
    return table if _looks_2008(table) else None


def _is_figure(cell: str) -> bool:
    ok, v = parse_value(cell)
    return ok and v is not None


def _looks_2008(table: _Table) -> bool:
    """The old table, not some other grid: its request and review rows are there."""
    keys = {r.key for r in table.rows}
    return "requests" in keys and bool(keys & {"review", "litigation", "replies", "active"})


# -- flattened text ----------------------------------------------------------------------------------

_UNIT_ALT = "|".join(UNITS)
# A row: its label (CJK and punctuation, a leading sub-row number allowed), the unit, the figures.
_FLAT_ROW = re.compile(
    rf"(?P<label>(?:[^\d|。]{{0,6}}?\d{{1,2}}[.、．](?=[^\d\s.]))?[^\d|。]+?)\s*(?P<unit>{_UNIT_ALT})?\s*"
    rf"(?P<nums>\d[\d ,\t\u3000]*(?:\.\d+)?)"
)
_NEXT_NUMBER = re.compile(r"^[.、．]\s*[^\d\s]")


def _flat_text(lines: list[str]) -> tuple[str, bool] | None:
    """The table's flattened text (from its header or first row to the end) and whether it has
    a 历年累计 column."""
    text = "\n".join(lines)
    head = re.search(r"指标名称", text)
    start = head.start() if head else None
    if start is None:
        first = re.search(r"主动公开信息数|受理依申请公开信息总数", text)
        if not first:
            return None
        start = first.start()
    body = text[start:]
    head_part = body[:80]
    has_cum = bool(_HEAD_CUM.search(head_part)) if head else True
    if head:
        m = re.match(
            r"指标名称\s*(?:计量)?\s*(?:单位)?\s*(?:\d{4}\s*年度?|本年度?|本期|当年|数量)?\s*"
            r"(?:历年)?\s*(?:累计)?",
            body,
        )
        body = body[m.end() :] if m else body
    return body, has_cum


def _read_flat(lines: list[str]) -> _Table | None:
    found = _flat_text(lines)
    if found is None:
        return None
    body, has_cum = found
    table = _Table(has_cum)
    pos = 0
    carry = ""  # a sub-row number stuck to the figures before it (…41815092.政府公报公开)
    while True:
        m = _FLAT_ROW.match(body, pos)
        if not m or "。" in m.group("label") or len(m.group("label")) > 60:
            break
        label = carry + m.group("label")
        nums = m.group("nums").rstrip(" ,\t\u3000")
        carry = ""
        end = m.start("nums") + len(nums)
        if _NEXT_NUMBER.match(body[end:]) and len(nums.replace(" ", "")) > 1:
            carry, nums = nums[-1], nums[:-1].rstrip()
        if not HAN_CHAR.search(label):
            break
        row = table.add(label.strip(), m.group("unit") or "")
        _set_flat(row, nums, has_cum)
        pos = end
    _settle(table)
    return table if _looks_2008(table) else None


def _set_flat(row: _Row, nums: str, has_cum: bool) -> None:
    tokens = [t for t in re.split(r"[\s,\u3000]+", nums) if t]
    values = [parse_value(t)[1] for t in tokens]
    if not has_cum:
        if len(values) == 1:
            row.year = values[0]
        else:
            row.printed = nums
        return
    if len(values) == 2:
        row.year, row.cumulative = values
        return
    run = "".join(tokens)
    if len(tokens) == 1 and run.isdigit():
        row.readings = _splits(run)
        if len(row.readings) == 1:
            row.year, row.cumulative = row.readings[0]
            row.readings = []
            return
    row.printed = nums


def _splits(run: str) -> list[tuple[int, int | None]]:
    """Ways to read a digit run as 本年度 then 历年累计: no leading zeros, 累计 ≥ 本年度."""
    out: list[tuple[int, int | None]] = []
    if len(run) > 24:  # not two printed counts
        return out
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(b) >= int(a):
            out.append((int(a), int(b)))
    return out


def _families(table: _Table) -> list[tuple[_Row, list[_Row]]]:
    out = []
    for row in table.rows:
        if row.parent is None:
            kids = [r for r in table.rows if r.parent == row.key]
            if kids:
                out.append((row, kids))
    return out


def _settle(table: _Table, budget: int = 50000) -> None:
    """Split the runs still open where a row and its 其中 rows add up in one way only."""
    for parent, kids in _families(table):
        family = [parent, *kids]
        open_rows = [r for r in family if r.readings]
        if not open_rows:
            continue
        if any(r.year is None and not r.readings for r in family):
            continue
        options = [r.readings if r.readings else [(r.year, r.cumulative)] for r in family]
        size = 1
        for o in options:
            size *= len(o)
        if size > budget:
            continue
        fitting = [
            combo
            for combo in itertools.product(*options)
            if combo[0][0] == sum(c[0] for c in combo[1:])
            and combo[0][1] == sum(c[1] or 0 for c in combo[1:])
        ]
        for i, row in enumerate(family):
            if not row.readings:
                continue
            seen = {combo[i] for combo in fitting}
            if len(seen) == 1:
                row.year, row.cumulative = seen.pop()
                row.readings = []
                row.printed = ""


# -- the schema ---------------------------------------------------------------------------------------


def _checks(table: _Table) -> list[dict]:
    out = []
    for parent, kids in _families(table):
        if parent.key not in PARTITIONS:
            continue
        for col in ("year", "cumulative"):
            printed = getattr(parent, col)
            parts = [getattr(k, col) for k in kids]
            if printed is None or None in parts:
                continue
            computed = sum(parts)
            if abs(printed - computed) > 1e-6:
                names = " + ".join(k.key for k in kids)
                out.append(
                    {
                        "rule": f"table_2008.{parent.key}.{col} = {names}",
                        "printed": printed,
                        "computed": round(computed, 6) if isinstance(computed, float) else computed,
                    }
                )
    return out


def _stats(table: _Table) -> dict:
    rows: dict[str, dict] = {}
    for r in table.rows:
        entry: dict = {"label": r.label, "unit": r.unit or None, "year": r.year}
        entry["cumulative"] = r.cumulative if table.has_cumulative else None
        if r.printed:
            entry["printed"] = r.printed
        rows[r.key] = entry
    stats: dict = {
        "format": "2008",
        "active": {},
        "requests": {},
        "review": {},
        "litigation_direct": {},
        "litigation_after_review": {},
    }
    for key, path in MAP_2008.items():
        if key in rows:
            node = stats
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = rows[key]["year"]
    stats["table_2008"] = rows
    stats["cumulative"] = table.has_cumulative
    stats["checks"] = _checks(table)
    return stats


def read_2008(tables: list[Grid], lines: list[str]) -> dict | None:
    """The old statistics table of one report as `stats` (format "2008"), or None when it has
    none. Grids first (HTML, DOCX, PDF), then pipe/markdown/tab rows of the text, then the text
    flattened by a crawler."""
    text = "\n".join(lines)
    if not any(_SIGNATURE.search(" ".join(c for row in g for c in row)) for g in tables) and not (
        _SIGNATURE.search(text)
    ):
        return None
    for grid in itertools.chain(tables, text_grids(lines)):
        if len(grid) > MAX_TABLE_ROWS:
            continue
        table = _read_grid(grid)
        if table is not None:
            return _stats(table)
    table = _read_flat(lines)
    return _stats(table) if table is not None else None
