"""Benchmark corpora: the real work reports (1×) and scaled copies of them (N×) as JSONL.

Every scale is built the same way, so the three systems see the same shape at every size:
copy 0 is the real file line for line (title, content, url and year as published, a year filled
in where the file has none), plus an `agency` field; copies 1…N-1 repeat the content under a
different title, agency and (shifted) year, so that facets have many values. Agencies cycle
through `AGENCIES` across lines and copies."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT.parent / "shared" / "realdata"
WORK_REPORTS = REALDATA / "government_work_reports.jsonl"

AGENCIES = [
    "西安市高陵区人民政府",
    "杭州市余杭区人民政府办公室",
    "哈尔滨市平房区人民政府",
    "北京市海淀区人民政府",
    "上海市浦东新区人民政府",
    "广州市天河区人民政府办公室",
    "深圳市南山区人民政府",
    "成都市武侯区人民政府",
    "武汉市江岸区人民政府",
    "南京市鼓楼区人民政府",
    "重庆市渝中区人民政府",
    "天津市和平区人民政府",
    "苏州市吴中区人民政府",
    "宁波市鄞州区人民政府办公室",
    "青岛市黄岛区人民政府",
    "济南市历下区人民政府",
    "郑州市金水区人民政府",
    "长沙市岳麓区人民政府",
    "合肥市蜀山区人民政府",
    "福州市鼓楼区人民政府",
    "厦门市思明区人民政府",
    "南昌市东湖区人民政府",
    "昆明市五华区人民政府",
    "贵阳市云岩区人民政府",
    "南宁市青秀区人民政府",
    "海口市美兰区人民政府",
    "兰州市城关区人民政府",
    "西宁市城中区人民政府",
    "银川市兴庆区人民政府",
    "乌鲁木齐市天山区人民政府",
    "拉萨市城关区人民政府",
    "呼和浩特市新城区人民政府",
    "太原市小店区人民政府",
    "石家庄市长安区人民政府",
    "沈阳市和平区人民政府",
    "长春市朝阳区人民政府",
    "大连市中山区人民政府",
    "无锡市滨湖区人民政府办公室",
    "温州市鹿城区人民政府办公室",
    "绍兴市越城区人民政府",
    "佛山市南海区人民政府",
    "东莞市人民政府办公室",
    "珠海市香洲区人民政府",
    "泉州市丰泽区人民政府",
    "烟台市芝罘区人民政府",
    "潍坊市奎文区人民政府",
    "洛阳市西工区人民政府",
    "襄阳市襄城区人民政府",
    "宜昌市西陵区人民政府",
    "株洲市天元区人民政府",
    "桂林市秀峰区人民政府",
    "绵阳市涪城区人民政府",
    "遵义市红花岗区人民政府",
    "曲靖市麒麟区人民政府",
    "宝鸡市渭滨区人民政府",
    "咸阳市秦都区人民政府",
    "北京市财政局",
    "上海市统计局",
    "广东省人民政府办公厅",
    "江苏省发展和改革委员会",
]

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def need_realdata() -> None:
    if not WORK_REPORTS.exists():
        import pytest

        pytest.skip(f"real corpus not found at {REALDATA} (it sits beside the checkout)")


def scales() -> list[int]:
    """The scale levels from GONGKAI_BENCH_SCALES (default "1,10,100")."""
    raw = os.environ.get("GONGKAI_BENCH_SCALES", "1,10,100")
    out = sorted({int(s) for s in raw.replace(" ", "").split(",") if s})
    if not out or out[0] < 1:
        raise ValueError(f"GONGKAI_BENCH_SCALES must be positive integers, not {raw!r}")
    return out


def real_rows(path: Path = WORK_REPORTS) -> list[dict]:
    """The real reports, each with an int year (taken from the text, else the line before)."""
    rows = []
    prev_year = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            obj = json.loads(line)
            year = obj.get("year")
            if year in (None, "") or not str(year).isdigit():
                m = _YEAR.search(obj.get("content", "")[:2000])
                year = int(m.group(1)) if m else prev_year
            obj["year"] = int(year)
            prev_year = obj["year"]
            rows.append(obj)
    return rows


def variant(row: dict, i: int, copy: int) -> dict:
    """Line `i` of copy `copy`: same content, its own agency, title and year."""
    agency = AGENCIES[(copy * 7 + i) % len(AGENCIES)]
    out = dict(row)
    out["agency"] = agency
    if copy:
        # agencies repeat every 60 copies and year shifts every 12: every 60 copies step
        # back 12 more years, or copy c+60 would be copy c again (same text, agency and year:
        # one report to gongkai's duplicate detection, which then indexed 60 copies of 100)
        year = row["year"] - (copy % 12) - 12 * (copy // len(AGENCIES))
        kind = "关于政府工作报告的决议" if "决议" in row.get("title", "") else "政府工作报告"
        out["title"] = f"{agency}{year}年{kind}（第{copy + 1}辑）"
        out["year"] = year
        if out.get("url"):
            out["url"] = f"{row['url']}?copy={copy}"
    out["year"] = str(out["year"])
    return out


def write_scaled(scale: int, out_dir: Path, source: Path = WORK_REPORTS) -> Path:
    """The N× corpus as one JSONL file in `out_dir` (reused when already written)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"work_reports_x{scale}.jsonl"
    if path.exists() and path.stat().st_size > 0:
        return path
    rows = real_rows(source)
    tmp = path.with_suffix(".part")
    with open(tmp, "w", encoding="utf-8") as f:
        for copy in range(scale):
            for i, row in enumerate(rows):
                f.write(json.dumps(variant(row, i, copy), ensure_ascii=False) + "\n")
    tmp.rename(path)
    return path


def iter_jsonl(path: str | Path):
    """Rows of a benchmark JSONL file, for the baselines (gongkai reads the file itself)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def paragraphs(content: str) -> list[str]:
    """The baselines' unit: one document per non-empty line of the content."""
    return [p.strip() for p in content.splitlines() if p.strip()]
