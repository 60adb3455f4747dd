"""The values the tools' options take, defined once: the tools check them, the CLI offers them
(`click.Choice`), the API documents them (FastAPI reads the `Literal`s into /openapi.json)
and the page reads them from static/labels.js, written from here. Light on purpose: the CLI
imports it before anything heavy."""

from __future__ import annotations

from typing import Literal, get_args

By = Literal["agency", "year"]  # what compare, trend and stats group by
CompareOrder = Literal["relevance", "year"]  # compare's groups best first, or oldest first
KwicSort = Literal["year", "agency", "left", "right"]  # left/right: the words before/after
ExportOrder = Literal["relevance", "document"]
StatsRate = Literal["refused", "granted", "corrected"]
StatsSort = Literal["value", "rate", "change", "name"]
ReuseSort = Literal["reuse", "verbatim", "same_but_figures", "other", "year"]

BY: tuple[str, ...] = get_args(By)
COMPARE_ORDERS: tuple[str, ...] = get_args(CompareOrder)
KWIC_SORTS: tuple[str, ...] = get_args(KwicSort)
EXPORT_ORDERS: tuple[str, ...] = get_args(ExportOrder)
STATS_RATES: tuple[str, ...] = get_args(StatsRate)
STATS_SORTS: tuple[str, ...] = get_args(StatsSort)
REUSE_SORTS: tuple[str, ...] = get_args(ReuseSort)
