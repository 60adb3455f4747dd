"""The three standard tables of an annual report (the national format of 2019, revised by
国办公开办函〔2021〕30号) read into one fixed schema.

Rows and columns are recognised by their printed labels, which vary in numbering (（一）/ 1. /
1、), punctuation, full/half-width and a little in wording, so each label is matched by the
words that identify it, not by its whole text. A grid's columns are named by the header cells
above them; where the header is missing or unreadable (a table continued on the next PDF page),
the format's fixed column order decides, but only when the row has exactly that many cells.
Text without cell boundaries (a crawler's flattened digit runs) is read only where the split is
forced by the row's own total or the table's column totals; otherwise the row stays unread.

Values are kept as printed: an empty or unreadable cell is None, never 0, and printed totals
that disagree with their parts are listed in `checks`, never corrected."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator

from corpus.limits import MAX_TABLE_ROWS
from corpus.tables import Grid, split_run, text_grids

Value = int | float | None

# -- the fixed schema ----------------------------------------------------------------------------

REQUEST_COLS = ["natural", "commercial", "research", "social", "legal", "other", "total"]
REFUSED = [
    "refused_secret",
    "refused_law",
    "refused_safety",
    "refused_third_party",
    "refused_internal",
    "refused_process",
    "refused_case_file",
    "refused_inquiry",
]
UNABLE = ["unable_not_held", "unable_needs_creation", "unable_unclear"]
REJECTED = [
    "rejected_complaint",
    "rejected_repeat",
    "rejected_publication",
    "rejected_mass",
    "rejected_confirm",
]
OTHER_2021 = ["other_no_correction", "other_no_fee", "other"]
RESULTS = ["granted", "partial", *REFUSED, *UNABLE, *REJECTED, *OTHER_2021]
REQUEST_ROWS = ["new", "carried_over", *RESULTS, "total", "carried_forward"]
OUTCOMES = ["upheld", "corrected", "other", "pending", "total"]
REVIEW_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
ACTIVE = {
    "2021": {
        "rules": ["issued", "repealed", "valid"],
        "normative": ["issued", "repealed", "valid"],
        "licensing": ["decisions"],
        "punishment": ["decisions"],
        "enforcement": ["decisions"],
        "fees": ["amount"],
    },
    "2019": {
        "rules": ["made", "published", "total"],
        "normative": ["made", "published", "total"],
        "licensing": ["items_prev", "items_change", "decisions"],
        "other_services": ["items_prev", "items_change", "decisions"],
        "punishment": ["items_prev", "items_change", "decisions"],
        "enforcement": ["items_prev", "items_change", "decisions"],
        "fees": ["items_prev", "items_change"],
        "procurement": ["items", "amount"],
    },
}
_COLS_2021_ONLY = {"issued", "repealed", "valid"}
_COLS_2019_ONLY = {"made", "published", "items_prev", "items_change", "items"}

# -- the labels: (key, the words that identify it), most specific first ---------------------------

_REQUEST_ROW_WORDS = [
    ("new", r"新收"),
    ("carried_over", r"上一?年度?结转"),
    ("carried_forward", r"结转下一?年|转入下一?年"),
    ("partial", r"部分公开"),
    ("granted", r"予以公开"),
    ("refused_secret", r"属于国家秘密|国家秘密"),
    ("refused_law", r"其[他它]法律行政法规禁止公开|法律[、,]?行政法规禁止"),
    ("refused_safety", r"危及|三安全一稳定"),
    ("refused_third_party", r"保护第三方合法权益|第三方"),
    ("refused_internal", r"属于三类内部事务信息|内部事务"),
    ("refused_process", r"属于四类过程性信息|过程性"),
    ("refused_case_file", r"属于行政执法案卷|执法案卷"),
    ("refused_inquiry", r"属于行政查询事项|行政查询"),
    ("unable_not_held", r"本机关不掌握|不掌握"),
    ("unable_needs_creation", r"没有现成信息|另行制作"),
    ("unable_unclear", r"补正后申请内容仍不明确|不明确"),
    ("rejected_complaint", r"信访举报投诉|信访|举报投诉"),
    ("rejected_repeat", r"重复申请"),
    ("rejected_publication", r"要求提供公开出版物|出版物"),
    ("rejected_mass", r"无正当理由大量反复申请|大量反复"),
    ("rejected_confirm", r"要求行政机关确认|重新出具"),
    ("other_no_correction", r"申请人无正当理由逾期不补正|逾期不补正"),
    ("other_no_fee", r"申请人逾期未按收费通知|收费通知|缴纳费用"),
    ("other", r"其[他它]处理"),
    ("total", r"总计|合计"),
]
# Group headings of 表三: rows of their own only where they carry figures (2019's 其他处理).
_REQUEST_GROUP_WORDS = r"本年度办理结果|不予公开|无法提供|不予处理"
_REQUEST_COL_WORDS = [
    ("natural", r"自然人"),
    ("commercial", r"商业企业"),
    ("research", r"科研机构"),
    ("social", r"社会公益组织|公益组织"),
    ("legal", r"法律服务机构|法律服务"),
    ("total", r"总计|合计"),
    ("other", r"^其[他它]$"),
]
_ACTIVE_ROW_WORDS = [
    ("normative", r"规范性文件"),
    ("rules", r"规章"),
    ("licensing", r"行政许可"),
    ("other_services", r"其[他它]对外管理服务事项|对外管理服务"),
    ("punishment", r"行政处罚"),
    ("enforcement", r"行政强制"),
    ("fees", r"行政事业性收费"),
    ("procurement", r"政府集中采购|集中采购"),
]
_ACTIVE_COL_WORDS = [
    ("issued", r"本年制发件数|制发"),
    ("repealed", r"本年废止件数|废止"),
    ("valid", r"现行有效件数|现行有效"),
    ("made", r"本年新制作数量|新制作"),
    ("published", r"本年新公开数量|新公开"),
    ("total", r"对外公开总数量|公开总数"),
    ("items_prev", r"上一年项目数量|上年项目"),
    ("items_change", r"本年增/?减|增/?减"),
    ("decisions", r"处理决定数量|处理决定"),
    ("items", r"采购项目数量|采购项目"),
    ("amount", r"本年收费金额|收费金额|采购总金额|总金额"),
]
_ACTIVE_BLOCK_WORDS = r"第二十条第?[(（][一二三四五六七八九十]+[)）]项?|信息内容"
_GROUP_WORDS = [
    ("litigation_direct", r"未经复议直接起诉|直接起诉"),
    ("litigation_after_review", r"复议后起诉"),
    ("review", r"行政\w?复议"),  # 行政法复议 and the like: a typo is still the review
]
_OUTCOME_WORDS = [
    ("pending", r"尚未审结|未审结"),
    ("total", r"总计|合计"),
    ("upheld", r"结果维持|维持"),
    ("corrected", r"结果纠正|纠正"),
    ("other", r"其他结果|其它结果"),
]
_LITIGATION = r"行政诉讼"


def _compile(words: list[tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    return [(k, re.compile(w)) for k, w in words]


_REQ_ROWS = _compile(_REQUEST_ROW_WORDS)
_REQ_COLS = _compile(_REQUEST_COL_WORDS)
_ACT_ROWS = _compile(_ACTIVE_ROW_WORDS)
_ACT_COLS = _compile(_ACTIVE_COL_WORDS)
_GROUPS = _compile(_GROUP_WORDS)
_OUTCOMES = _compile(_OUTCOME_WORDS)

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．)）])"
)


def norm(s: str | None) -> str:
    """A cell's text for matching: NFKC (full-width digits and brackets to half-width), no
    whitespace (PDF cells break 商业企业 over lines)."""
    if not s:
        return ""
    return "".join(unicodedata.normalize("NFKC", s).split())


def _first(table: list[tuple[str, re.Pattern[str]]], text: str) -> str | None:
    for key, pat in table:
        if pat.search(text):
            return key
    return None


def request_row(label: str, last: str = "") -> str | None:
    """The 表三 row a (normalized) label names; `last` is the row's innermost label cell, where
    a bare 其他 under （六）其他处理 is the 2021 row `other`."""
    key = _first(_REQ_ROWS, label)
    if key is None and _NUMBERING.sub("", last) in ("其他", "其它"):
        return "other"
    return key


def _innermost(table: list[tuple[str, re.Pattern[str]]], cells: list[str]) -> str | None:
    """The key named by the innermost (lowest) of a column's header cells that names one."""
    for cell in reversed(cells):
        key = _first(table, cell)
        if key:
            return key
    return None


def request_col(path: list[str]) -> str | None:
    """A 表三 column from its header cells: 其他 under 法人或其他组织 is `other`, not the group."""
    return _innermost(_REQ_COLS, path)


def active_row(label: str) -> str | None:
    return _first(_ACT_ROWS, label)


def active_col(path: list[str]) -> str | None:
    return _innermost(_ACT_COLS, path)


def review_key(label: str, path: list[str]) -> tuple[str, str] | None:
    """(group, outcome) of a 表四 cell, from its row label and the header cells above it
    (the group may sit in either: tables are printed both ways round)."""
    text = label + "".join(path)
    group = _first(_GROUPS, text)
    outcome = _innermost(_OUTCOMES, [label, *path])
    if group and outcome:
        return group, outcome
    return None


# -- cell values --------------------------------------------------------------------------------

_NUM = re.compile(r"[+-]?\d+(?:\.\d+)?")
_UNIT = r"(?:万元|元|件|项|个|条|次|宗|人次)"
_NUM_CELL = re.compile(rf"([+-]?\d[\d,]*(?:\.\d+)?){_UNIT}?")
_EMPTY = re.compile(r"[-—－–/／\\]*|无|空|--")


@functools.lru_cache(maxsize=4096)
def parse_value(cell: str) -> tuple[bool, Value]:
    """(is a value cell, value): a number as printed (int, or float where printed with a
    decimal point; thousands separators and a trailing unit dropped), or None for a cell that
    is empty or a dash."""
    s = norm(cell)
    m = _NUM_CELL.fullmatch(s)
    if m:
        digits = m.group(1).replace(",", "")
        if len(digits) > 24:  # no printed figure is that long: a run of several, or noise
            return False, None
        if re.fullmatch(r"[+-]?\d+", digits):
            return True, int(digits)
        try:
            return True, float(digits)
        except ValueError:
            return False, None
    if _EMPTY.fullmatch(s):
        return True, None
    return False, None


def _is_number(cell: str) -> bool:
    ok, v = parse_value(cell)
    return ok and v is not None


# -- what is read -------------------------------------------------------------------------------


class _Sheet:
    """Figures read from one source (the grids, or the text), before the schema is laid out."""

    def __init__(self) -> None:
        self.active: dict[str, dict[str, Value]] = {}
        self.requests: dict[str, dict[str, Value]] = {}
        self.review: dict[str, dict[str, Value]] = {}
        self.pending: dict[str, list[list[int]]] = {}  # 表三 rows with several readings
        self.other_as_group_row = False  # 2019: （六）其他处理 is itself a row of figures

    def put(self, table: dict, row: str, col: str, value: Value) -> None:
        cells = table.setdefault(row, {})
        if col not in cells:
            cells[col] = value

    def put_request_row(self, row: str, values: list[Value], label: str) -> None:
        if row in self.requests:
            return
        for col, v in zip(REQUEST_COLS, values, strict=True):
            self.put(self.requests, row, col, v)
        if row == "other" and "处理" in label:
            self.other_as_group_row = True

    def has(self, part: str) -> bool:
        table = getattr(self, part)
        return any(v is not None for cells in table.values() for v in cells.values())


# -- grids --------------------------------------------------------------------------------------


def _dedup(cells: list[str]) -> list[str]:
    out: list[str] = []
    for c in cells:
        if c and (not out or out[-1] != c):
            out.append(c)
    return out


def _is_data_row(cells: list[str]) -> bool:
    if any(_is_number(c) for c in cells):
        return True
    label = "".join(_dedup([c for c in cells if not parse_value(c)[0]]))
    return request_row(label) is not None and not any(request_col([c]) for c in cells)


def _grid_rows(grid: Grid) -> Iterator[tuple[list[str], list[list[str]]]]:
    """(normalized cells, header path of each column) for every data row; a row's header is
    the run of non-data rows directly above its block of data rows."""
    header: list[list[str]] = []
    paths: list[list[str]] | None = None
    width = max((len(r) for r in grid), default=0)
    for raw in grid:
        cells = [norm(c) for c in raw]
        if _is_data_row(cells):
            if paths is None:  # once per header run, not per row
                paths = [_dedup([h[j] if j < len(h) else "" for h in header]) for j in range(width)]
            yield cells, paths
        else:
            if paths is not None:
                header, paths = [], None
            header.append(cells)


def _read_grid(grid: Grid, sheet: _Sheet) -> None:
    for cells, paths in _grid_rows(grid):
        labels = [i for i, c in enumerate(cells) if c and not parse_value(c)[0]]
        last = max(labels, default=-1)
        label = "".join(_dedup([cells[i] for i in labels]))
        positions = list(range(last + 1, len(cells)))
        if not positions:
            continue
        values = [parse_value(cells[p])[1] for p in positions]
        row = request_row(label, cells[last] if last >= 0 else "")
        if row:
            _grid_request_row(sheet, row, label, positions, values, paths)
        elif (arow := active_row(label)) is not None:
            for p, v in zip(positions, values, strict=True):
                col = active_col(paths[p])
                if col:
                    sheet.put(sheet.active, arow, col, v)
        else:
            _grid_review_row(sheet, label, positions, values, paths)


def _grid_request_row(
    sheet: _Sheet, row: str, label: str, positions: list[int], values: list[Value], paths
) -> None:
    by_col: dict[str, Value] = {}
    for p, v in zip(positions, values, strict=True):
        col = request_col(paths[p])
        if col and col not in by_col:
            by_col[col] = v
    if len(by_col) == len(REQUEST_COLS):
        sheet.put_request_row(row, [by_col[c] for c in REQUEST_COLS], label)
    elif (trailing := _fixed_width(values, len(REQUEST_COLS))) is not None:
        sheet.put_request_row(row, trailing, label)


def _fixed_width(values: list[Value], n: int) -> list[Value] | None:
    """The row's figures in the format's column order, when the header cannot name them: the
    row must have exactly `n` cells after its label, not counting leading empty cells (a
    label's colspan printed as empty cells)."""
    while len(values) > n and values[0] is None:
        values = values[1:]
    while len(values) > n and values[-1] is None:
        values = values[:-1]  # a markdown row's trailing empty cell (`| 81 | |`)
    return values if len(values) == n else None


def _grid_review_row(
    sheet: _Sheet, label: str, positions: list[int], values: list[Value], paths
) -> None:
    keys = [review_key(label, paths[p]) for p in positions]
    heard = any(re.search(r"复议|诉讼", "".join(paths[p])) for p in positions)
    if None in keys and not label and heard:
        run = _fixed_width(values, 3 * len(OUTCOMES))
        if run is not None:
            _put_review_run(sheet, run)  # header cells lost (merged cells left empty)
            return
    for key, v in zip(keys, values, strict=True):
        if key:
            sheet.put(sheet.review, key[0], key[1], v)


def _put_review_run(sheet: _Sheet, values: list[Value]) -> None:
    for i, group in enumerate(REVIEW_GROUPS):
        for j, out in enumerate(OUTCOMES):
            sheet.put(sheet.review, group, out, values[i * len(OUTCOMES) + j])


# -- text ---------------------------------------------------------------------------------------

_TEXT_NUMBERING = (
    r"(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d[.、．])?\s*"
)
_T3_LABELS = "|".join(w for _, w in _REQUEST_ROW_WORDS) + "|" + _REQUEST_GROUP_WORDS
_T2_LABELS = "|".join(w for _, w in _ACTIVE_ROW_WORDS)
_T2_COLS = "|".join(w for _, w in _ACTIVE_COL_WORDS)
_T4_LABELS = "|".join(w for _, w in _GROUP_WORDS + _OUTCOME_WORDS) + "|" + _LITIGATION
_OTHER_SUBROW = r"\d[.、．]\s*其[他它](?![处法结对组])"
_TEXT_LABEL = re.compile(
    rf"{_OTHER_SUBROW}|{_TEXT_NUMBERING}(?:{_ACTIVE_BLOCK_WORDS}|{_T2_COLS}|{_T2_LABELS}"
    rf"|{_T4_LABELS}|{_T3_LABELS})"
)
# After a label: the rest of a long label (no digits, no sentence end), then the figures.
_FIGURES = re.compile(r"[^\d。；;]{0,120}?(\d[\d \t\u3000|,.+\-]*)")
_UNITS = set("件条个项次人万元%％年月日名份宗户")
_TOKEN_SPLIT = re.compile(r"[\s|]+")


def _figures(segment: str) -> list[str] | None:
    """The figures right after a label (tokens, or one unsplit digit run), or None when what
    follows is prose (a number with a unit: 81件, 51.85%)."""
    m = _FIGURES.match(segment)
    if not m:
        return None
    run = m.group(1).rstrip(" \t\u3000|,.+-")
    after = segment[m.start(1) + len(run) :].lstrip()
    if after[:1] in _UNITS:
        return None
    tokens = [t for t in _TOKEN_SPLIT.split(run) if t]
    return tokens or None


def _token_values(tokens: list[str]) -> list[Value] | None:
    out = []
    for t in tokens:
        ok, v = parse_value(t)
        if not ok:
            return None
        out.append(v)
    return out


def _read_text(lines: list[str], sheet: _Sheet) -> None:
    text = "\n".join(lines)
    if not re.search(r"新收|行政复议|第二十条", text):
        return
    matches = list(_TEXT_LABEL.finditer(text))
    state = ""
    t2_cols: list[str] = []
    t2_fresh = False
    group = ""
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        label = norm(m.group(0))
        if re.search(_ACTIVE_BLOCK_WORDS, label):
            state, t2_cols, t2_fresh = "t2", [], True
            continue
        col = _first(_ACT_COLS, label)
        if col and state == "t2":
            if not t2_fresh:
                t2_cols, t2_fresh = [], True
            t2_cols.append(col)
            continue
        tokens = _figures(text[m.end() : end])
        row = active_row(label)
        if row and state == "t2":
            t2_fresh = False
            if tokens:
                _text_active_row(sheet, row, t2_cols, tokens)
            continue
        t4 = _first(_GROUPS, label) or _first(_OUTCOMES, label) or re.search(_LITIGATION, label)
        rrow = request_row(label, label)
        numbered = _NUMBERING.match(label) is not None
        if rrow and not (t4 and state == "t4" and not numbered):
            state = "t3"
            if tokens:
                _text_request_row(sheet, rrow, label, tokens)
        elif re.search(_REQUEST_GROUP_WORDS, label):
            state = "t3"
        elif t4:
            state = "t4"
            named = _first(_GROUPS, label)
            group = named or group
            if tokens:
                _text_review(sheet, tokens, group if named else "")


def _text_active_row(sheet: _Sheet, row: str, cols: list[str], tokens: list[str]) -> None:
    if not cols:
        return
    if len(tokens) == 1 and len(cols) > 1:
        run = tokens[0]
        if not (run.isdigit() and len(run) == len(cols)):
            return  # a flattened run of several free figures: no way to split it
        tokens = list(run)
    values = _token_values(tokens)
    if values is None or len(values) != len(cols):
        return
    for col, v in zip(cols, values, strict=True):
        sheet.put(sheet.active, row, col, v)


def _text_request_row(sheet: _Sheet, row: str, label: str, tokens: list[str]) -> None:
    if row in sheet.requests or row in sheet.pending:
        return
    if len(tokens) == 1 and tokens[0].isdigit() and len(tokens[0]) > 1:
        readings = split_run(tokens[0], [len(REQUEST_COLS)])
        if len(readings) == 1:
            sheet.put_request_row(row, list(readings[0]), label)
        elif readings:
            sheet.pending[row] = readings
        return
    values = _token_values(tokens)
    if values is not None and len(values) == len(REQUEST_COLS):
        sheet.put_request_row(row, values, label)
    elif 1 < len(tokens) < len(REQUEST_COLS) and all(t.isdigit() for t in tokens):
        # a digit run with stray spaces (`200 000121`): read as one run, split by its 总计
        _text_request_row(sheet, row, label, ["".join(tokens)])


def _text_review(sheet: _Sheet, tokens: list[str], group: str) -> None:
    n = len(OUTCOMES)
    want = n if group else 3 * n
    if 1 < len(tokens) < want and all(t.isdigit() for t in tokens):
        tokens = ["".join(tokens)]  # a run with stray spaces
    if len(tokens) == 1 and tokens[0].isdigit():
        readings = split_run(tokens[0], [n] * (1 if group else 3))
        if len(readings) != 1:
            return
        values: list[Value] | None = list(readings[0])
    else:
        values = _token_values(tokens)
    if values is None:
        return
    if group and len(values) == n:
        for out, v in zip(OUTCOMES, values, strict=True):
            sheet.put(sheet.review, group, out, v)
    elif len(values) == 3 * n:
        _put_review_run(sheet, values)


# -- flattened rows decided by the column totals --------------------------------------------------


def _equations(sheet: _Sheet) -> list[tuple[list[str], list[str]]]:
    """表三's column equations over rows that are all present (read, or with readings):
    总计 = the sum of the results, and 新收 + 上年结转 = 总计 + 结转下年."""
    have = set(sheet.requests) | set(sheet.pending)
    results = [r for r in RESULTS if r not in OTHER_2021[:2]]
    if {"other_no_correction", "other_no_fee"} <= have:
        results = RESULTS
    out = []
    if set(results) <= have:
        out.append((["total"], results))
    out.append((["new", "carried_over"], ["total", "carried_forward"]))
    return [(left, right) for left, right in out if set(left + right) <= have]


def _balanced(rows: dict[str, list[Value]], left: list[str], right: list[str]) -> bool:
    for i in range(len(REQUEST_COLS)):
        lv = [rows[r][i] for r in left]
        rv = [rows[r][i] for r in right]
        if None not in lv and None not in rv and _sum(lv) != _sum(rv):
            return False
    return True


def _resolve_pending(sheet: _Sheet) -> None:
    """Settle 表三 rows with several readings by the table's own column equations, where
    exactly one combination of readings balances them. A row still open stays unread."""
    changed = True
    while sheet.pending and changed:
        changed = False
        for left, right in _equations(sheet):
            open_rows = [r for r in dict.fromkeys(left + right) if r in sheet.pending]
            if not open_rows:
                continue
            combos = list(
                itertools.islice(itertools.product(*(sheet.pending[r] for r in open_rows)), 1001)
            )
            if len(combos) > 1000:
                continue
            known = {r: [sheet.requests[r].get(c) for c in REQUEST_COLS] for r in sheet.requests}
            fitting = [
                combo
                for combo in combos
                if _balanced({**known, **dict(zip(open_rows, combo, strict=True))}, left, right)
            ]
            if len(fitting) == 1:
                for row, reading in zip(open_rows, fitting[0], strict=True):
                    del sheet.pending[row]
                    sheet.put_request_row(row, list(reading), "")
                changed = True
                break


# -- the schema, and its checks -----------------------------------------------------------------


def _format(sheets: list[_Sheet], year: int | None) -> str:
    cols = {c for s in sheets for cells in s.active.values() for c in cells}
    if cols & _COLS_2019_ONLY and not cols & _COLS_2021_ONLY:
        return "2019"
    if cols & _COLS_2021_ONLY:
        return "2021"
    rows = {r for s in sheets for r, cells in s.requests.items() if any(cells.values())}
    if rows & {"other_no_correction", "other_no_fee"}:
        return "2021"
    if any(s.other_as_group_row for s in sheets):
        return "2019"
    return "2019" if year is not None and year < 2021 else "2021"


def _sum(values: list[Value]) -> int | float:
    total = sum(v for v in values if v is not None)
    return round(total, 6) if isinstance(total, float) else total


def _differs(a: Value, b: int | float) -> bool:
    return a is not None and abs(a - b) > 1e-6


def _checks(stats: dict) -> list[dict]:
    out: list[dict] = []

    def check(rule: str, printed: Value, parts: list[Value]) -> None:
        if printed is None or any(p is None for p in parts):
            return
        computed = _sum(parts)
        if _differs(printed, computed):
            out.append({"rule": rule, "printed": printed, "computed": computed})

    req = stats["requests"]
    parts = REQUEST_COLS[:-1]
    for row in REQUEST_ROWS:
        check(
            f"requests.{row}.total = " + " + ".join(parts),
            req[row]["total"],
            [req[row][c] for c in parts],
        )
    results = [
        r for r in RESULTS if r in req and (stats["format"] == "2021" or r not in OTHER_2021[:2])
    ]
    for col in REQUEST_COLS:
        check(
            f"requests.total.{col} = sum of the results ({results[0]} … {results[-1]})",
            req["total"][col],
            [req[r][col] for r in results],
        )
    for col in REQUEST_COLS:
        right = [req["total"][col], req["carried_forward"][col]]
        if None in right:
            continue
        check(
            f"requests.new.{col} + requests.carried_over.{col} = "
            f"requests.total.{col} + requests.carried_forward.{col}",
            _sum(right),
            [req["new"][col], req["carried_over"][col]],
        )
    for group in REVIEW_GROUPS:
        g = stats[group]
        check(
            f"{group}.total = upheld + corrected + other + pending",
            g["total"],
            [g[o] for o in OUTCOMES[:-1]],
        )
    return out


def read_stats(tables: list[Grid], lines: list[str], year: int | None = None) -> dict | None:
    """The standard tables of one report in the fixed schema, or None when it has none; a
    report without them but with the 2008-era 统计表 gets that (corpus/stats2008.py).

    `tables` are the report's grids (merged cells repeated, as corpus/tables.py and the PDF
    and DOCX readers give them); `lines` its cleaned text, read for markdown, pipe, tab and
    space-separated tables and flattened digit runs. Each table (二, 三, 四) comes from the
    first source that has it: the grids, then tables in the text, then the text itself."""
    tables = [g for g in tables if len(g) <= MAX_TABLE_ROWS]
    readers = [
        lambda sheet: [_read_grid(g, sheet) for g in tables],
        lambda sheet: [_read_grid(g, sheet) for g in text_grids(lines) if len(g) <= MAX_TABLE_ROWS],
        lambda sheet: _read_text(lines, sheet),
    ]
    parts = ("active", "requests", "review")
    chosen: dict[str, _Sheet | None] = dict.fromkeys(parts)
    for read in readers:  # a later source only for the tables the earlier ones lack
        if all(chosen.values()):
            break
        sheet = _Sheet()
        read(sheet)
        _resolve_pending(sheet)
        for part in parts:
            if chosen[part] is None and sheet.has(part):
                chosen[part] = sheet
    if not any(chosen.values()):
        from corpus.stats2008 import read_2008  # it builds on this module's cell reading

        return read_2008(tables, lines)
    used = [s for s in chosen.values() if s is not None]
    fmt = _format(used, year)

    def cells(part: str, row: str, cols: list[str]) -> dict[str, Value]:
        s = chosen[part]
        got = getattr(s, part).get(row, {}) if s else {}
        return {c: got.get(c) for c in cols}

    stats: dict = {
        "format": fmt,
        "active": {row: cells("active", row, cols) for row, cols in ACTIVE[fmt].items()},
        "requests": {row: cells("requests", row, REQUEST_COLS) for row in REQUEST_ROWS},
    }
    for group in REVIEW_GROUPS:
        stats[group] = cells("review", group, OUTCOMES)
    stats["checks"] = _checks(stats)
    return stats
