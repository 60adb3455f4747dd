"""The five scraped seed reports: chrome gone, metadata and sections recovered."""

import pytest
from conftest import SAMPLES

from corpus.reader import read_reports


def report(name: str):
    [r] = read_reports(str(next(SAMPLES.glob(name + "_*.txt"))))
    return r


EXPECTED = {
    "000": dict(
        title="平房区2009年政府信息公开工作年度报告",
        agency="哈尔滨市平房区",
        year=2009,
        published="2010-01-20",
    ),
    "001": dict(
        title="2017年政府信息公开工作年度报告",
        agency="西安市高陵区人民政府办公室",
        year=2017,
        published="2018-01-11",
    ),
    "002": dict(agency="随州市随县", year=2014, published="2014-11-20"),
    # dated 2013-01-15 but describes 2012: the covered year is not the publish year
    "003": dict(agency="亳州市城市管理局", year=2012, published="2013-01-15"),
    "004": dict(
        title="兴庆区玉皇阁北街2013年政府信息公开自查报告",
        agency="兴庆区玉皇阁北街街道办事处",
        year=2013,
        published="2013-09-23",
    ),
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_metadata(seed):
    r = report(seed)
    for key, value in EXPECTED[seed].items():
        assert getattr(r, key) == value, key


# Lines of site chrome in the seeds; not one of them may survive into a passage.
CHROME = [
    "访问量",
    "字号",
    "关联稿件",
    "扫一扫在手机打开当前页",
    "返回顶部",
    "打印本页",
    "关闭本页",
    "手机网站",
    "政务微信",
    "网站地图",
    "信息分享",
    "索引号",
    "XXGK-2018-000288",
    "发文机关",
    "发布机构",
    "浏览次数",
    "字体",
    "分享给好友阅读",
    "基础资料",
    "积分:1467",
    "粉丝",
    "金币",
    "用微信扫描二维码",
    "联系我们",
    "版权所有",
    "皖ICP备2022008768号",
    "公网安备",
    "网站标识码",
    "支持IPV6访问",
    "保护视力色",
    "恢复默认",
    "Copyright",
]


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_no_chrome_in_any_passage(seed):
    r = report(seed)
    for p in r.passages:
        for junk in CHROME:
            assert junk not in p.text, (junk, p.text[:80])


def sections_by_heading(r):
    return {p.heading: p.section for p in r.passages if p.heading}


def test_section_labels_follow_the_issue_examples():
    assert (
        sections_by_heading(report("000"))["一、加强组织领导,为政务公开工作提供有力保障"]
        == "组织保障"
    )
    assert (
        sections_by_heading(report("000"))["三、强化监督制约机制,确保政务公开工作扎实有效开展"]
        == "监督考核"
    )
    s001 = sections_by_heading(report("001"))
    assert s001["五、机构建设和经费保障情况"] == "组织保障"
    assert s001["六、政府信息公开会议和培训情况"] == "宣传培训"
    assert s001["一、主动公开政府信息情况"] == "主动公开"
    assert s001["二、依申请公开政府信息的开展情况"] == "依申请公开"
    assert s001["四、政府信息公开申请行政复议、提起行政诉讼的情况"] == "复议诉讼"
    assert sections_by_heading(report("002"))["四、2015 年政府信息公开工作打算"] == "改进计划"
    assert sections_by_heading(report("004"))["三、创新方式,进一步拓宽政务公开载体"] == "平台建设"


def test_text_before_first_heading_is_overall():
    for seed in ("000", "001", "004"):
        assert report(seed).passages[0].section == "总体情况"


def test_numbering_that_restarts_inside_a_section_stays_in_that_section():
    # 003: 四、下一步工作打算 is followed by 一、… 四、 — items of the plan, not new sections.
    r = report("003")
    plan = [
        p
        for p in r.passages
        if p.text.startswith(("一、切实加强", "二、注重落实", "三、强化政务", "四、建立健全"))
    ]
    assert len(plan) == 4
    assert {p.section for p in plan} == {"改进计划"}


def test_sub_items_of_problems_and_plans():
    s = sections_by_heading(report("004"))
    assert s["(一)存在的问题"] == "存在问题"
    assert s["(二)改进措施"] == "改进计划"
    s2 = sections_by_heading(report("002"))
    assert s2["(四)依申请公开信息办理情况"] == "依申请公开"
    assert s2["(三)加强平台建设,完善政府信息公开形式"] == "平台建设"


def test_run_in_sub_heading_is_split_out():
    # 002 has "…接受人民群众监督。(四)强化督促检查,…" inside one scraped line.
    r = report("002")
    hit = [p for p in r.passages if p.text.startswith("(四)强化督促检查")]
    assert hit and hit[0].section == "监督考核"


def test_passages_are_bounded_ordered_and_stable():
    for seed in EXPECTED:
        r = report(seed)
        assert [p.order for p in r.passages] == list(range(len(r.passages)))
        assert all(0 < len(p.text) <= 400 for p in r.passages)
        assert len({p.passage_id for p in r.passages}) == len(r.passages)
        again = report(seed)
        assert [p.passage_id for p in again.passages] == [p.passage_id for p in r.passages]
        assert again.report_id == r.report_id


def test_signature_and_header_lines_are_metadata_not_passages():
    r = report("004")
    assert not any(
        p.text.strip() in ("兴庆区玉皇阁北街街道办事处", "20139月23") for p in r.passages
    )
    assert not any("发布日期" in p.text for p in r.passages)
