"""HTML pages: the article body is found, chrome dropped, tables kept a row per line, meta read."""

from corpus.reader import read_reports

PAGE = """<!DOCTYPE html><html><head>
<meta charset="{charset}">
<meta name="ArticleTitle" content="余杭区2018年政府信息公开工作年度报告">
<meta name="PubDate" content="2019-01-28 10:12">
<meta name="ContentSource" content="余杭区人民政府办公室">
<title>余杭区2018年政府信息公开工作年度报告_余杭区人民政府门户网站</title>
<script>var tracker = "浏览统计";</script><style>.x{{color:red}}</style>
</head><body>
<div class="header"><ul class="nav"><li><a href="/">网站首页</a></li><li><a href="/zwgk">政务公开栏目</a></li>
<li><a href="/hd">互动交流栏目</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 正文</div>
<table class="xxgk"><tr><td>索引号：</td><td>330110/2019-00012</td><td>发布机构：</td><td>余杭区人民政府办公室</td></tr>
<tr><td>发布日期：</td><td>2019-01-28</td></tr></table>
<div class="fontsize">字号：<a>大</a> <a>中</a> <a>小</a></div>
<div class="TRS_Editor">
<p>　　2018年，余杭区深入推进“最多跑一次”改革，全面落实《中华人民共和国政府信息公开条例》。</p>
<p>一、主动公开情况</p>
<p>全年主动公开政府信息5321条，其中规范性文件48件。</p>
<table><tr><th>信息内容</th><th>本年新制作数量</th><th>本年新公开数量</th></tr>
<tr><td>规章</td><td>0</td><td>0</td></tr><tr><td>规范性文件</td><td>48</td><td>46</td></tr></table>
<p>二、依申请公开情况</p>
<p>本年新收政府信息公开申请数量<b>137</b>件，予以公开89件。</p>
<p>三、存在的主要问题及改进情况</p><p>政策解读的形式还不够丰富，镕基路社区公开栏更新不及时。</p>
<p>杭州市余杭区人民政府办公室</p><p>2019年1月28日</p>
</div>
<div class="share">分享到：<a>微信</a> <a>微博</a> <a>QQ空间</a></div>
<div class="bottom-tools"><a>打印本页</a> <a>关闭窗口</a></div>
<div class="related"><h3>相关文章</h3><ul><li><a>余杭区2017年政府信息公开工作年度报告</a></li></ul></div>
<div class="footer">版权所有：杭州市余杭区人民政府办公室 浙ICP备05012345号 浙公网安备33011002000001号 网站标识码：3301100001</div>
</body></html>"""


def write(tmp_path, name, charset, encoding):
    p = tmp_path / name
    p.write_bytes(PAGE.format(charset=charset).encode(encoding))
    return str(p)


def test_trs_page_metadata_body_and_tables(tmp_path):
    [r] = read_reports(write(tmp_path, "yh.html", "utf-8", "utf-8"))
    assert r.title == "余杭区2018年政府信息公开工作年度报告"
    assert r.published == "2019-01-28"
    assert r.year == 2018
    assert r.agency == "杭州市余杭区人民政府办公室"
    body = "\n".join(p.text for p in r.passages)
    for junk in (
        "网站首页",
        "政务公开栏目",
        "当前位置",
        "330110/2019-00012",
        "字号",
        "分享到",
        "QQ空间",
        "打印本页",
        "关闭窗口",
        "相关文章",
        "浙ICP备05012345号",
        "网站标识码",
        "浏览统计",
        "color:red",
    ):
        assert junk not in body, junk
    # a table row is one line, each cell searchable
    assert "规范性文件 | 48 | 46" in body.splitlines()
    assert "本年新收政府信息公开申请数量137件" in body
    sections = {p.heading: p.section for p in r.passages if p.heading}
    assert sections["一、主动公开情况"] == "主动公开"
    assert sections["二、依申请公开情况"] == "依申请公开"
    assert sections["三、存在的主要问题及改进情况"] == "存在问题"


def test_gbk_page_declared_gb2312_with_gbk_only_characters(tmp_path):
    [r] = read_reports(write(tmp_path, "yh-gbk.htm", "gb2312", "gbk"))
    body = "\n".join(p.text for p in r.passages)
    assert "镕基路社区" in body
    assert r.title == "余杭区2018年政府信息公开工作年度报告"


def test_density_fallback_without_known_container(tmp_path):
    page = PAGE.replace('class="TRS_Editor"', 'class="m-box"').format(charset="utf-8")
    p = tmp_path / "plain.shtml"
    p.write_text(page, encoding="utf-8")
    [r] = read_reports(str(p))
    body = "\n".join(x.text for x in r.passages)
    assert "全年主动公开政府信息5321条" in body
    assert "浙ICP备05012345号" not in body and "网站首页" not in body


# -- big pages: lxml's own tree, the same rules ------------------------------------------------------

DENSITY_PAGE = """<html><head><title>某县2019年政府信息公开工作年度报告</title></head><body>
<div class="menu"><a>首页</a><a>政务公开</a></div>
<div class="main"><h2>某县2019年政府信息公开工作年度报告</h2>
<div><p>2019年，某县人民政府认真贯彻落实《条例》，主动公开政府信息1200条，<!-- 注释 -->依申请公开办理及时。</p>
<p>一、总体情况</p><p>全年公开政府信息1200条，其中规范性文件12件。</p><br>附：<b>公开目录</b>
<table><tr><td>序号</td><td> 文件 <i>名称</i> </td></tr><tr><td>1</td><td>关于<br>印发的通知</td></tr></table>
尾部文字，说明公开目录的来源。</div></div>
<div class="footer">版权所有：某县人民政府 网站标识码：1234</div></body></html>"""


def test_the_fast_path_reads_a_page_as_the_tree_path_does():
    """lxml's own tree (big pages) and BeautifulSoup's (the rest) give the same fields and
    lines: a known container, the density fallback, comments, <br>, tails, table rows."""
    from corpus.html import parse_html

    for page in (PAGE.format(charset="utf-8"), DENSITY_PAGE):
        slow, fast = parse_html(page, fast=False), parse_html(page, fast=True)
        assert fast.body_lines and fast.page_lines
        for field in ("meta", "page_title", "headline", "headlines", "body_lines", "page_lines"):
            a, b = getattr(slow, field), getattr(fast, field)
            if isinstance(a, list):  # inner runs of spaces are collapsed by cleaning anyway
                a = [" ".join(x.split()) for x in a]
                b = [" ".join(x.split()) for x in b]
            assert a == b, field


def big_page(rows: int) -> str:
    table = "".join(f"<tr><td>{i}</td><td>第{i}号文件公开目录条目</td></tr>" for i in range(rows))
    return (
        "<html><head><meta charset='utf-8'><title>海州区人民政府2015年政府信息公开工作年度报告"
        "</title></head><body><div id='zoom'><h1>海州区人民政府2015年政府信息公开工作年度报告</h1>"
        "<p>一、概述</p><p>2015年，海州区人民政府认真贯彻落实《条例》，主动公开政府信息。</p>"
        f"<p>二、主动公开政府信息情况</p><p>附：主动公开文件目录</p><table>{table}</table>"
        "<p>三、存在的主要问题及改进措施</p><p>一是公开质量有待提高。</p></div></body></html>"
    )


def test_a_big_page_is_ingested_and_searchable(tmp_path):
    """6 MB, a 120,000-row table: read (never refused for its size), every row searchable."""
    from index.writer import ingest
    from search.engine import Engine

    page = big_page(120_000)
    assert len(page.encode("utf-8")) > 6_000_000
    (tmp_path / "big.html").write_text(page, encoding="utf-8")
    ix = str(tmp_path / "ix")
    stats = ingest([str(tmp_path / "big.html")], ix)
    assert not stats.failed and stats.ingested == 1
    engine = Engine(ix)
    (report,) = engine.reports()["reports"]
    assert report["title"] == "海州区人民政府2015年政府信息公开工作年度报告"
    res = engine.search("第119999号文件公开目录条目")
    assert res["total"] >= 1
    assert "第119999号文件公开目录条目" in res["hits"][0]["text"]


def test_a_hostile_page_nested_a_million_deep_is_bounded():
    """A million nested tags: read within seconds (libxml2 stops nesting at 256), no crash."""
    import time

    from corpus.html import parse_html

    page = "<html><body>" + "<div>" * 1_000_000 + "公开" + "</div>" * 1_000_000 + "</body></html>"
    start = time.monotonic()
    doc = parse_html(page)
    assert time.monotonic() - start < 30
    assert isinstance(doc.body_lines, list)
