"""The page's words for every API error `code`: what the search page and the widget show
inside their Chinese interface (static/labels.js carries this table to them). The API keeps
its English one-line `error` for programs and the CLI; `params` fill the {names} here.
tests/test_api.py checks that every code the code base raises has an entry."""

from __future__ import annotations

ERRORS_ZH: dict[str, str] = {
    # the query language (search/query.py)
    "unclosed_quote": '引号没有配对：请在短语末尾补上另一个引号 "。',
    "unbalanced_open": "括号没有配对：请补上右括号 )。",
    "unbalanced_close": "多了一个右括号 )：请删去它，或在前面补上左括号 (。",
    "empty_parentheses": "括号 () 里没有检索词。",
    "or_needs_terms": "OR 的两边都要有检索词，如：收费 OR 减免。",
    "not_needs_term": "NOT 或减号 - 后面要跟一个要排除的词，如：-平房区。",
    "empty_phrase": '引号里没有内容：请在 "" 之间写上要检索的短语。',
    "empty_query": "请输入检索词，或选择一个筛选条件。",
    "unexpected": "检索式中有无法理解的 {token}。",
    "unreadable": "无法读懂检索式第 {position} 个字符处的内容。",
    "filter_no_value": "{field}: 后面要写上值，如 agency:随县、year:2015。",
    "bad_year": "年份要写成 2015 或 2010-2015 这样的形式，“{value}”不是年份。",
    "year_backwards": "年份范围 {a}-{b} 前后颠倒了，是不是想写 {b}-{a}？",
    "bad_section": "没有“{value}”这个章节；可选：{sections}。",
    "too_long": "检索式太长（{length} 个字符，最多 {limit} 个）。",
    "nul_character": "检索式中有无法识别的控制字符。",
    "unsearchable": "“{word}”中没有可以检索的文字（只有标点或符号）。",
    # the cost bounds (search/limits.py)
    "too_many_terms": "检索词太多（{terms} 个，最多 {limit} 个）。",
    "too_many_nots": "排除条件太多（{nots} 个，最多 {limit} 个）。",
    "too_deep": "括号或 NOT 嵌套太深（最多 {limit} 层）。",
    "too_costly": "这个检索要读的索引太多（超过 {limit} 个词表）：单个汉字会展开成所有含它的词，"
    "请改用较长的词或减少单字。",
    "time_budget": "检索超过了 {budget} 秒的时间限制，已停止：请用较长的词，或减少单字和 OR。",
    "index_damaged": "索引已损坏，需要重建：请告知管理员。",
    # the tools (search/tools)
    "no_term": "请输入要查看语境的词语或短语，如：依申请公开。",
    "kwic_exclusion": "语境视图只列出出现之处；“{word}”是排除条件，请在检索中使用。",
    "kwic_too_much": "一次要的语境太多：这个宽度下最多 {limit} 处，请减少条数或语境宽度。",
    "index_busy": "索引正在更新，请稍后再试。",
    "no_previous": "这份报告的机构在索引中没有更早年份的报告，无法与上一年度比较。",
    # the web face (search/web)
    "filter_too_long": "{field} 筛选条件太长（最多 {limit} 个字符）。",
    "bad_request": "请求有误，无法检索。",
    "invalid_request": "请求的参数有误。",
    "no_report": "索引中没有编号为 {id} 的报告，它可能已被删除或重新导入。",
    "not_found": "找不到请求的内容。",
    "replaced": "编号 {id} 的内容已由更正后的版本取代，新的编号是 {replaced_by}。",
    "wrong_kind": "{id} 是{kind_zh}的编号，不是这里要的那一种编号。",
    "method_not_allowed": "不支持这种请求方式。",
    "no_index": "还没有建立索引：请先导入报告（gongkai ingest）。",
    "busy": "检索服务正忙，请稍后再试。",
    "cluster_unavailable": "检索集群有节点无法连接，请稍后再试或告知管理员。",
    "internal": "检索服务出错了，请稍后再试或告知管理员。",
}
