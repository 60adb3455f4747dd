"""Line-level cleaning shared by text and HTML input: site chrome out, labelled header
lines (发布机构：… 发布日期：…) turned into fields."""

from __future__ import annotations

import re
import unicodedata

from corpus.chars import CJK_PUNCT_RANGES, CJK_RANGES, HAN

# Labels that gov CMSs print above an article. Longest first so 发布日期 wins over 日期.
HEADER_LABELS = [
    "发布机构",
    "发文机关",
    "发文单位",
    "发文字号",
    "发文文号",
    "文号",
    "成文日期",
    "发布日期",
    "发布时间",
    "印发日期",
    "生效日期",
    "索引号",
    "主题分类",
    "主题词",
    "体裁分类",
    "组配分类",
    "服务对象分类",
    "公开方式",
    "公开范围",
    "公开时限",
    "信息来源",
    "来源",
    "作者",
    "日期",
    "时间",
    "浏览次数",
    "访问量",
    "点击数",
    "阅读次数",
    "点击量",
    "有效性",
    "信息分类",
    "所属机构",
    "发布单位",
    "编号",
    "录入时间",
    "更新时间",
    "责任编辑",
    "名称",
    "标题",
]
_LABEL_ALT = "|".join(sorted(map(re.escape, HEADER_LABELS), key=len, reverse=True))
_LABEL_RE = re.compile(rf"(?:^|(?<=\s)|(?<=[】\]|｜]))({_LABEL_ALT})\s*[:：]")
# A metadata block printed without colons (索引号 XXX 发布机构 YYY 发布日期 …): its labels are
# known by position, so a line starting with one and holding two or more is read as fields.
# A date label run onto the value before it with no space between (a PDF's text loses the gap
# in 来源：XX办公室 时间：2025-03-10): a field boundary too, known by the date that follows it.
_DATE_LABEL_RE = re.compile(
    r"(?<=[^\s:：])((?:发布|成文|印发|录入)?(?:时间|日期))\s*[:：](?=\s*\d{4})"
)
_META_LABELS = (
    "索引号|发布机构|发文机关|发文字号|文号|成文日期|发布日期|主题分类|信息来源|公开方式|有效性"
)
_BARE_LABELS = re.compile(rf"^({_META_LABELS})\s+\S")
_BARE_LABEL_RE = re.compile(rf"(?:^|(?<=\s))({_META_LABELS})(?=\s+\S)")
_COUNTER_LABELS = {"浏览次数", "访问量", "点击数", "阅读次数", "点击量"}

# Words that make up site chrome. A short line that is (almost) nothing but these is chrome;
# prose that merely mentions 微信 or 打印 keeps enough other text to survive.
_CHROME_WORDS = re.compile(
    r"(字号|字体颜色|字体|保护视力色|视力保护色|恢复默认|默认|[【\[]?\s*[大中小]\s*[】\]]?|"
    r"打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|返回顶部|返回首页|返回|加入收藏|收藏|设为首页|"
    r"分享到|分享给|分享至|分享|扫一扫|扫描|二维码|在手机打开|手机打开|当前页|用微信|微信|微博|"
    r"QQ空间|好友|朋友圈|阅读|"
    r"关联稿件|相关链接|相关文章|相关阅读|相关新闻|上一篇|下一篇|"
    r"当前位置|您的位置|你的位置|所在位置|首页|正文|"
    r"网站地图|联系我们|使用帮助|隐私声明|版权声明|无障碍|长者模式|English|"
    r"手机网站|手机版|政务微信|政务微博|信息分享|登录|注册|"
    r"全真版|文字版|纯文本版|无障碍版|关怀版|适老化|繁体|繁體|简体|附件下载|下载附件|相关附件|"
    r"基础资料|积分|帖子|金币|精华|粉丝|关注|主题|"
    r"颜色|[红黄蓝绿白黑灰]|色)",
    re.I,
)
_WORDY = re.compile(f"[{HAN}A-Za-z]")
# Footer lines can be long (one line of site info); two or more signals make a footer.
_FOOTER_SIGNALS = re.compile(
    r"(版权所有|Copyright|©|\(c\)|ICP备|ICP证|公网安备|网站标识码|主办单位|主办[:：]|承办单位|"
    r"承办[:：]|技术支持|建议使用|分辨率|支持IPV6|政府网站找错|联系电话[:：]|邮编[:：])",
    re.I,
)
_ONLY_PUNCT = re.compile(r"^[\s\W_]*$")
_SENT_STOP = re.compile(r"[。；！？]")
_BREADCRUMB = re.compile(r"^(首页|网站首页)\s*[>＞»›/]|[>＞»›]\s*正文\s*$")
# A breadcrumb trail, with whatever share buttons a crawler ran onto its line.
_LOCATION = re.compile(r"^(当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置)\s*[:：]")
# Markdown's markers (a converter's or OCR tool's output): a heading's #s, emphasis round a line.
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"^(\*\*|__)(.+)\1$")


_CJK = f"{CJK_PUNCT_RANGES}{CJK_RANGES}"
_SPACE = r"[ \t\r\n\u00a0\u2002-\u200b\u3000]"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]){_SPACE}+(?=[{_CJK}])")
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}]){_SPACE}*\n{_SPACE}*(?=[{_CJK}])")


def join_cjk(text: str, breaks_only: bool = False) -> str:
    """`text` without the whitespace an HTML page's source put between two Chinese characters
    (or full-width punctuation): a word split over source lines, or over the <p>s of a narrow
    table cell (法律 服 务 机构 → 法律服务机构). Chinese puts no spaces between words, so there
    such a space is layout; spaces beside Latin letters and digits stay. `breaks_only`: only
    whitespace holding a line break (in running text a typed space may still part two fields
    of one line: 城西街道办事处 发布日期：…)."""
    return (_CJK_BREAK if breaks_only else _CJK_GAP).sub("", text)


def norm_line(line: str) -> str:
    """Collapse whitespace (including full-width and nbsp) and strip list bullets."""
    line = line.replace("\u3000", " ").replace("\xa0", " ").replace("\u200b", "")
    line = re.sub(r"[ \t\r\f\v]+", " ", line).strip()
    line = _MD_HEADING.sub("", line)
    line = _MD_EMPHASIS.sub(r"\2", line)
    line = re.sub(r"^[•·●◆■□▪\-–—*]\s*", "", line) if re.match(r"^[•·●◆■□▪*]|^- ", line) else line
    return line.strip()


def is_chrome(line: str) -> bool:
    if _ONLY_PUNCT.match(line):
        return True
    n = len(line)
    if len(_FOOTER_SIGNALS.findall(line)) >= (1 if n <= 60 else 2):
        return True
    if n <= 80 and _BREADCRUMB.search(line):
        return True
    if n <= 160 and _LOCATION.match(line) and not _SENT_STOP.search(line):
        return True
    if n <= 40 and _CHROME_WORDS.search(line):
        rest = _CHROME_WORDS.sub("", line)
        return len(_WORDY.findall(rest)) <= 1
    return False


def parse_header(line: str) -> dict[str, str] | None:
    """If `line` is a labelled header line, return its label→value pairs, else None.
    A header line starts with a label and is nothing but label: value pairs."""
    if len(line) > 200:
        return None
    matches = list(_LABEL_RE.finditer(line))
    if not matches and _BARE_LABELS.match(line):
        matches = list(_BARE_LABEL_RE.finditer(line))  # 索引号 … 发布机构 … (no colons)
        if len(matches) < 2:
            return None
    if not matches or line[: matches[0].start()].strip():
        return None
    run_on = [
        d
        for d in _DATE_LABEL_RE.finditer(line, matches[0].end())
        if not any(d.start() < m.end() and m.start() < d.end() for m in matches)
    ]
    matches = sorted(matches + run_on, key=lambda m: m.start())
    fields: dict[str, str] = {}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = line[m.end() : end].strip(" |｜")
        fields.setdefault(m.group(1), value)
    # "来源：新华社" inside prose is rare; but a label line with a long sentence value is prose.
    if any(len(v) > 60 for v in fields.values()):
        return None
    return fields


# Where a licence box or a footnote list starts (wiki mirrors, CMS "notes"): the rest is not body.
_TRAILER_START = re.compile(r"^(本作品(是|来自|在|属于)|Public domain$|↑$|本模板|参考文献$|注释$)")


def cut_trailer(lines: list[str]) -> list[str]:
    for i in range(len(lines) // 2, len(lines)):
        if _TRAILER_START.match(lines[i]):
            return lines[:i]
    return lines


_MAY_BE_HEADER = re.compile(rf"[:：]|^\s*({_META_LABELS})")


def header_fields(raw_lines: list[str]) -> dict[str, str]:
    """The labelled header fields of `raw_lines` (what clean_lines finds), reading only the
    lines that can hold one: a whole page's lines cost no more than its labelled ones."""
    header: dict[str, str] = {}
    for raw in raw_lines:
        if not _MAY_BE_HEADER.search(raw):
            continue
        fields = parse_header(norm_line(raw))
        for k, v in (fields or {}).items():
            if v and k not in header:
                header[k] = v
    return header


def clean_lines(raw_lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Drop chrome and header lines. Returns (kept lines, header fields)."""
    kept: list[str] = []
    header: dict[str, str] = {}
    for raw in raw_lines:
        line = norm_line(raw)
        if not line:
            continue
        fields = parse_header(line)
        if fields is not None:
            for k, v in fields.items():
                if v and k not in header:
                    header[k] = v
            continue
        if is_chrome(line):
            continue
        kept.append(line)
    return cut_trailer(kept), header


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# Crawler exports put their own labelled lines above the body (标题: … 发布时间: … 原文链接: …),
# often ended by a separator such as "==== 正文 ====". Label → field.
CRAWLER_LABELS = {
    "标题": "title",
    "题名": "title",
    "文章标题": "title",
    "标 题": "title",
    "名称": "title",
    "title": "title",
    "发布时间": "published",
    "发布日期": "published",
    "成文日期": "published",
    "日期": "published",
    "时间": "published",
    "date": "published",
    "发布机构": "agency",
    "发文机关": "agency",
    "来源": "agency",
    "信息来源": "agency",
    "source": "agency",
    "原文链接": "url",
    "原文地址": "url",
    "链接": "url",
    "网址": "url",
    "来源网址": "url",
    "页面地址": "url",
    "url": "url",
    "文号": "",
    "发文字号": "",
    "索引号": "",
    "栏目": "",
    "分类": "",
    "本地目录": "",
    "作者": "",
    "抓取时间": "",
    "采集时间": "",
}
_CRAWLER_LINE = re.compile(
    r"^\s*("
    + "|".join(sorted(map(re.escape, CRAWLER_LABELS), key=len, reverse=True))
    + r")\s*[:：]\s*(.*)$",
    re.I,
)
# "==== 正文 ====", "------", "—— 正文 ——": the end of a crawler's header block.
_SEPARATOR = re.compile(
    r"^\s*[=＝\-—_*#~]{3,}\s*(正文|内容|body|content)?\s*[=＝\-—_*#~]*\s*$", re.I
)
_CRAWLER_NOTE = re.compile(r"(links\.tsv|详见.{0,10}同目录|附件与图片|页面链接)")


def crawler_header(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split a crawler's header block off the top of a text export. Returns (fields, body).
    Fields are title/published/agency/url (empty values dropped); without a header, ({}, lines)."""
    top = lines[:40]
    sep = next((i for i, ln in enumerate(top) if _SEPARATOR.match(ln)), None)
    fields: dict[str, str] = {}
    labelled = 0
    end = 0
    for i, raw in enumerate(top if sep is None else top[:sep]):
        line = raw.strip()
        if not line:
            end = i + 1
            continue
        m = _CRAWLER_LINE.match(line)
        if m:
            labelled += 1
            key = CRAWLER_LABELS[m.group(1).lower()]
            value = m.group(2).strip()
            if key and value and key not in fields:
                fields[key] = value
            end = i + 1
        elif sep is not None and (_CRAWLER_NOTE.search(line) or len(line) <= 80):
            end = i + 1  # a crawler's own note inside its header block
        else:
            break
    # Two labelled lines make a header block (one could be prose: "来源：新华社"); a separator
    # after labelled lines ends it for certain.
    if labelled >= 2 or (labelled and sep is not None):
        body = lines[sep + 1 :] if sep is not None and end >= sep else lines[end:]
        return fields, body
    return {}, lines
