"""A gazetteer of Chinese administrative divisions (data/places.tsv, derived from cpca)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, list[str]], set[str], set[str]]:
    county_pref: dict[str, list[str]] = {}
    prefectures: set[str] = set()
    provinces: set[str] = set()
    text = resources.files("corpus").joinpath("data/places.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        kind, name, pref, prov, _code = line.split("\t")
        if kind == "county":
            county_pref.setdefault(name, []).append(pref)
        elif kind == "prefecture":
            prefectures.add(name)
        else:
            provinces.add(name)
    return county_pref, prefectures, provinces


@lru_cache(maxsize=1)
def place_regex() -> re.Pattern[str]:
    county_pref, prefectures, provinces = _load()
    names = set(county_pref) | prefectures | provinces
    return re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))


def prefecture_of(county: str) -> str | None:
    """The prefecture of a county-level name when it is unambiguous nationwide."""
    prefs = {p for p in _load()[0].get(county, []) if p}
    return prefs.pop() if len(prefs) == 1 else None


def is_county(name: str) -> bool:
    return name in _load()[0]


def first_place(text: str) -> re.Match[str] | None:
    return place_regex().search(text)
