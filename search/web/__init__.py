"""The HTTP face of the engine and the tools, as one FastAPI app (`app.create_app`).

app.py       the factory: CORS, security headers, /docs, the routers, the engine source
engines.py   the dependency that hands a route the app's engine (any engine object)
errors.py    WebError (HTTP status + CLI exit code) and the one handler for every error
params.py    the query parameters every route shares (filters, their length limit)
formats.py   responses by format: json, csv, jsonl (streamed), png
api.py       /api/search, /api/reports, /api/reports/{id}   (= search/reports/show --json)
tools.py     /api/compare, trend, similar, kwic, export, cite (= the journalist tools)
stats.py     /api/stats (= stats --json; csv long form, png)
pages.py     /, /reports/{id}, /static/…, /widget.js, from templates/ and static/"""
