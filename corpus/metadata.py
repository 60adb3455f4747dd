"""Title, agency, covered year and publish date from every clue a page leaves, most reliable
first: explicit fields, HTML meta, labelled header lines, the title, the signature, the body."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from corpus.chars import HAN
from corpus.dates import date_only, parse_date
from corpus.places import first_place, is_county, place_regex, prefecture_of
from corpus.sections import cn_to_int, match_heading

ORGAN_SUFFIX = (
    "人民政府办公室|人民政府办公厅|政府办公室|人民政府|办事处|委员会|办公室|办公厅|管理局|管委会|"
    "政府|街道|局|厅|委|院|署|中心|镇|乡|区|县|市|州|盟|旗"
)
_ORGAN_LINE = re.compile(rf"^[{HAN}（）()]{{2,30}}({ORGAN_SUFFIX})$")
_TITLE_WORDS = re.compile(r"报告|总结|年报|自查|汇报|情况|工作要点|通报")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_BODY_ORGAN = re.compile(rf"([{HAN}]{{2,24}}?(?:{ORGAN_SUFFIX}))")
_AGENCY_LABELS = ("发布机构", "发文机关", "发文单位", "所属机构", "发布单位", "信息来源", "来源")
_PUB_LABELS = ("发布日期", "发布时间", "日期", "时间", "成文日期", "印发日期", "录入时间")
_GENERIC_START = re.compile(r"^(区|县|市|镇|乡|街道|州|旗|本|我)")
# Last resort for a bureau that only calls itself 我局: its dominant line of work.
_BUREAUS = {
    "城管": "城市管理局",
    "城市管理": "城市管理局",
    "财政": "财政局",
    "教育": "教育局",
    "公安": "公安局",
    "民政": "民政局",
    "审计": "审计局",
    "统计": "统计局",
    "司法": "司法局",
    "商务": "商务局",
    "林业": "林业局",
    "档案": "档案局",
    "水务": "水务局",
    "水利": "水利局",
    "税务": "税务局",
    "交通": "交通运输局",
    "住建": "住房和城乡建设局",
    "环保": "生态环境局",
    "生态环境": "生态环境局",
    "人社": "人力资源和社会保障局",
    "国土": "自然资源局",
    "自然资源": "自然资源局",
    "市场监管": "市场监督管理局",
    "应急管理": "应急管理局",
    "农业": "农业农村局",
    "卫生": "卫生健康委员会",
    "文化": "文化和旅游局",
}


@dataclass
class Meta:
    title: str = ""
    agency: str = ""
    year: int | None = None
    published: str | None = None
    # field → where it came from: "given" (JSONL, sidecar), "html-meta", "html-title",
    # "header-line", "first-line", "signature", "title", "inferred", …
    provenance: dict[str, str] = field(default_factory=dict)


_SENTENCE = re.compile(r"[。；;！？]|，.*，|^(本报告|本年度报告|根据|按照|依据|依照|现将|为了)")


def looks_like_title(line: str) -> bool:
    """A line that could be a title: short, a title word (报告, 年报 …), not a sentence."""
    return (
        6 <= len(line) <= 80
        and not line.endswith(("。", "；", "，", ","))
        and not _SENTENCE.search(line)
        and bool(_TITLE_WORDS.search(line))
    )


def names_report(line: str) -> bool:
    """A title that names one report: a year and the organ or place it is about, not a site's
    column label (政府信息公开年报) or a bare genre name (工作年度报告)."""
    return looks_like_title(line) and bool(_YEAR.search(line)) and bool(_title_agency(line))


def _two_line_title(lines: list[str]) -> tuple[str, int] | None:
    """A title printed over two lines (…2015年政府信息公开 / 工作年度报告): the joined title
    and how many lines it takes, where the first line alone does not name the report."""
    if len(lines) >= 2 and not names_report(lines[0]) and len(lines[0]) <= 60:
        joined = lines[0] + lines[1]
        if names_report(joined) and not _SENTENCE.search(lines[0]):
            return joined, 2
    return None


def is_organ_line(line: str) -> bool:
    return bool(_ORGAN_LINE.match(line)) and bool(
        first_place(line) or re.search(ORGAN_SUFFIX[:40], line)
    )


def _trim_to_place(s: str) -> str:
    """Cut leading prose off an organ name: 印发西安市高陵区… → 西安市高陵区…"""
    m = first_place(s)
    return s[m.start() :] if m else s


def _qualify(agency: str) -> str:
    """A bare county-level place gets its prefecture: 平房区 → 哈尔滨市平房区."""
    if is_county(agency):
        pref = prefecture_of(agency)
        if pref and pref != agency:
            return pref + agency
    return agency


def _complete(agency: str, text: str) -> str:
    """区人民政府办公室 → the fuller name the body uses, 西安市高陵区人民政府办公室."""
    if not agency or not _GENERIC_START.match(agency):
        return agency
    for m in re.finditer(rf"([{HAN}]{{2,16}}){re.escape(agency)}", text):
        full = _trim_to_place(m.group(0))
        if full != agency and first_place(full):
            return full
    return agency


_NATIONAL = re.compile(
    r"(中华人民共和国国务院|国务院|全国人民代表大会|中共中央|中国共产党全国代表大会)"
)
_TITLE_ORGAN = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年度?)?\s*(.{2,40}?)(?:关于)?\s*(?:(?:19|20)\d{2}\s*年度?|政府信息公开|政务公开|"
    r"信息公开|政府工作报告|工作报告|工作总结|自查报告|年度报告)"
)


def _title_agency(title: str) -> str:
    m = _TITLE_ORGAN.match(title)
    if m:
        cand = m.group(1).strip(" ：:的")
        if first_place(cand) or re.search(f"({ORGAN_SUFFIX})$", cand):
            return cand
    m = _NATIONAL.search(title)
    return m.group(1) if m else ""


def _body_agency(text: str) -> str:
    head = text[:600]
    for m in _BODY_ORGAN.finditer(head):
        cand = _trim_to_place(m.group(1))
        if first_place(cand) and cand != first_place(cand).group(0):
            return cand
    if re.search(r"我局|本局", text):
        counts = Counter()
        for key, bureau in _BUREAUS.items():
            counts[bureau] += text.count(key)
        (best, n), *rest = counts.most_common(2) + [("", 0), ("", 0)]
        place = Counter(m.group(0) for m in place_regex().finditer(text)).most_common(1)
        if n >= 5 and n >= 2 * rest[0][1] and place:
            return place[0][0] + best
    places = Counter(m.group(0) for m in place_regex().finditer(text)).most_common(2) + [
        ("", 0),
        ("", 0),
    ]
    (top, n), (_, second) = places[0], places[1]
    return _qualify(top) if n >= 3 and n >= 2 * second else ""


def _choose(
    labelled: str, signature: str, place: str, source: str, text: str, place_how: str = "title"
) -> tuple[str, str]:
    """The most specific organ, with its place: an explicit organ (发布机构, the signature)
    completed from the body or the title's place, else the title's place, else the body."""
    organs = [o for o in (labelled, signature) if o]
    if len(organs) == 2 and _GENERIC_START.match(labelled) and not _GENERIC_START.match(signature):
        organs.reverse()
    if len(organs) == 2 and organs[1] != organs[0] and organs[1].endswith(organs[0]):
        organs.reverse()  # 杭州市余杭区人民政府办公室 says more than 余杭区人民政府办公室
    if place and organs and not organs[0].startswith(place) and place.startswith(organs[0]):
        organs.insert(0, place)  # the signature is a prefix of the title's place
    for organ in organs:
        how = (
            "header-line" if organ == labelled else "signature" if organ == signature else place_how
        )
        organ = _complete(organ, text)
        if place and not organ.startswith(place):
            m = first_place(organ)
            if m and m.start() == 0 and place.endswith(m.group(0)):
                organ = place[: -len(m.group(0))] + organ  # 高陵区… + 西安市高陵区 → 西安市高陵区…
            elif _GENERIC_START.match(organ) and place[-1] == organ[0]:
                organ = place + organ[1:]  # 区人民政府办公室 + 西安市高陵区
        return _qualify(organ), how
    if place:
        return _qualify(place), place_how
    if source and first_place(source):
        return _qualify(source), "html-meta"
    return _body_agency(text), "inferred"


# The sessions of the National People's Congress and the congresses of the CPC: where a report
# names only these (第十三届全国人民代表大会第二次会议, 中国共产党第十九次全国代表大会), they date it.
_NPC_START = {1: 1954, 2: 1959, 3: 1964, 4: 1975, 5: 1978, 6: 1983, 7: 1988, 8: 1993,
              9: 1998, 10: 2003, 11: 2008, 12: 2013, 13: 2018, 14: 2023}  # fmt: skip
_CPC_YEAR = {1: 1921, 2: 1922, 3: 1923, 4: 1925, 5: 1927, 6: 1928, 7: 1945, 8: 1956, 9: 1969,
             10: 1973, 11: 1977, 12: 1982, 13: 1987, 14: 1992, 15: 1997, 16: 2002, 17: 2007,
             18: 2012, 19: 2017, 20: 2022}  # fmt: skip
_NPC_SESSION = re.compile(
    r"第([一二三四五六七八九十]+)届全国人民代表大会第([一二三四五六七八九十]+)次会议"
)
_CPC_CONGRESS = re.compile(
    r"中国共产党第([一二三四五六七八九十]+)次全国代表大会|[（(]([一二三四五六七八九十]+)大[）)]"
)


# Sessions off the yearly rhythm (the 2nd NPC met in 1959, 1960, 1962 and 1963).
_NPC_SESSION_YEAR = {(2, 3): 1962, (2, 4): 1963}


def session_year(text: str, congress: str | int | None = None) -> int | None:
    """The year of the NPC session or CPC congress a report names (or its `congress` number)."""
    m = _NPC_SESSION.search(text)
    if m:
        npc, session = cn_to_int(m.group(1)), cn_to_int(m.group(2))
        start = _NPC_START.get(npc)
        if start:
            return _NPC_SESSION_YEAR.get((npc, session), start + session - 1)
    if congress not in (None, "") and str(congress).isdigit():
        return _CPC_YEAR.get(int(congress))
    m = _CPC_CONGRESS.search(text)
    if m:
        return _CPC_YEAR.get(cn_to_int(m.group(1) or m.group(2)))
    return None


def covered_year(title: str, text: str, published: str | None) -> int | None:
    m = _YEAR.search(title)
    if m:
        return int(m.group(1))
    y = session_year(title)
    if y:
        return y
    pub_year = int(published[:4]) if published else None
    counts = Counter(int(y) for y in _YEAR.findall(text))
    if pub_year:
        counts = Counter({y: n for y, n in counts.items() if y <= pub_year})
    if counts:
        early = published is not None and int(published[5:7]) <= 6
        return max(counts, key=lambda y: (counts[y], -y if early else y))
    if published:
        return pub_year - 1 if int(published[5:7]) <= 3 else pub_year
    return None


def extract(
    lines: list[str],
    header: dict[str, str],
    hints: dict[str, str],
    headline: str = "",
    provenance: dict[str, str] | None = None,
    headline_source: str = "html-title",
    alt_titles: list[tuple[str, str]] | None = None,
) -> tuple[Meta, list[str]]:
    """Metadata for a report plus its body lines with title, preamble and signature removed.
    `hints` are explicit values (JSONL fields, HTML meta) and win over extraction; `provenance`
    says where each hint came from (default "given")."""
    meta = Meta()
    body = list(lines)
    given = provenance or {}
    prov = meta.provenance

    # Title: what the user gave, else the first candidate that names the report (the page's
    # meta title, a labelled 名称:/标题: field, its <h1>, its <title>, then the first lines of
    # the text, a title over two lines joined); a site's column label or a bare genre name only
    # when nothing names the report.
    title = hints.get("title", "").strip()
    title_how = given.get("title", "given")
    cands: list[tuple[str, str]] = []
    if title and title_how != "given":
        cands.append((title, title_how))
        title = ""
    cands += [(header[k].strip(), "header-line") for k in ("名称", "标题") if header.get(k)]
    cands += [(headline.strip(), headline_source)] if headline else []
    cands += [(t.strip(), how) for t, how in alt_titles or [] if t.strip()]
    if title:
        prov["title"] = title_how
    else:
        title, how = next(((t, h) for t, h in cands if names_report(t)), ("", ""))
        if title:
            prov["title"] = how
    preamble_agency = ""
    preamble_date = None
    if not title:
        for i, line in enumerate(body[:6]):
            if len(line) > 80 or match_heading(line):
                break  # the prose has started: this report has no title line
            two = _two_line_title(body[i : i + 2])
            if two or looks_like_title(line):
                title, used = two or (line, 1)
                # A title set on two lines: the organ above, the rest below (PDF, DOCX covers).
                if not two and i and is_organ_line(body[i - 1]) and not first_place(line[:6]):
                    title = body[i - 1] + line
                if not names_report(title) and any(looks_like_title(t) for t, _ in cands):
                    title = ""  # the page's own title, generic as it is, says more
                    break
                prov["title"] = "first-line"
                del body[: i + used]
                break
    if not title:
        title, how = next(((t, h) for t, h in cands if looks_like_title(t)), ("", ""))
        if title:
            prov["title"] = how
    if not title and hints.get("title", "").strip():
        title = hints["title"].strip()  # the page's own title, whatever it says
        prov["title"] = title_how
    # The title printed again at the top of the text, whole or over two lines.
    for i in range(min(len(body) - 1, 6)):
        if body[i] + body[i + 1] == title:
            del body[i : i + 2]
            break
    # A body that repeats its title at the start of its first line (crawler exports).
    if title and body and body[0].startswith(title) and len(body[0]) > len(title):
        body[0] = body[0][len(title) :].lstrip(" ：:")
    # Short preamble lines before the prose: a bare place/organ name, a date.
    while body and len(body[0]) <= 24 and not looks_like_title(body[0]):
        d = date_only(body[0])
        if d:
            preamble_date = preamble_date or d
        elif match_heading(body[0]):
            break
        elif is_organ_line(body[0]) or first_place(body[0]):
            preamble_agency = preamble_agency or body[0]
        else:
            break
        body.pop(0)
    if title:
        body = [ln for ln in body if ln != title]

    # Signature: organ and/or date lines at the very end.
    sig_agency, sig_date = "", None
    for _ in range(3):
        if not body:
            break
        last = body[-1]
        d = date_only(last)
        if d and not sig_date:
            sig_date = d
        elif len(last) <= 30 and is_organ_line(last) and not sig_agency:
            sig_agency = last
        else:
            break
        body.pop()

    text = "\n".join(body)
    # Published.
    published = None
    for k in ("published", "date"):
        if hints.get(k) and not published:
            published = parse_date(hints[k])
            prov["published"] = given.get(k, "given")
    for label in _PUB_LABELS:
        if not published and header.get(label):
            published = parse_date(header[label])
            prov["published"] = "header-line"
    if not published and (preamble_date or sig_date):
        published = preamble_date or sig_date
        prov["published"] = "first-line" if preamble_date else "signature"

    # Agency.
    agency = hints.get("agency", "").strip()
    if agency:
        prov["agency"] = given.get("agency", "given")
    else:
        labelled = next((header[k] for k in _AGENCY_LABELS if header.get(k)), "")
        labelled = "" if labelled in ("本网", "本站", "原创") else labelled
        place = _title_agency(title) if title else ""
        place_how = "title"
        if not place and preamble_agency:
            place, place_how = preamble_agency, "first-line"
        agency, how = _choose(
            labelled, sig_agency, place, hints.get("source", ""), text, place_how=place_how
        )
        if agency:
            prov["agency"] = how
    meta.agency = agency

    year = hints.get("year")
    if year not in (None, "") and str(year).isdigit():
        meta.year = int(year)
        prov["year"] = given.get("year", "given")
    else:
        # A capture date (WARC) bounds the covered year as a publish date does.
        bound = published or hints.get("captured")
        in_title = bool(_YEAR.search(title) or session_year(title))
        congress = None if in_title else session_year("", hints.get("congress"))
        meta.year = congress or covered_year(title, text, bound)
        if meta.year is not None:
            prov["year"] = (
                "title" if in_title else given.get("congress", "given") if congress else "inferred"
            )
    meta.published = published
    meta.title = title
    return meta, body
