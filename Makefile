# gongkai — the README's two commands are `make demo` and `make test`; both set themselves up.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
DEMO_INDEX := var/demo-index
DEMO_QUERY ?= 依申请公开

.PHONY: demo test bench lint typecheck format clean chromium sphinxsearch

$(VENV)/.base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(PIP) install -e '.[test]'
	touch $@

demo: $(VENV)/.base
	$(VENV)/bin/gongkai ingest corpus/samples --index $(DEMO_INDEX)
	$(VENV)/bin/gongkai search '$(DEMO_QUERY)' --index $(DEMO_INDEX) --limit 5
	@echo 'gongkai is installed as $(VENV)/bin/gongkai; to type just `gongkai`: export PATH="$$PWD/$(VENV)/bin:$$PATH"'


# One line per test file with its progress (not minutes of bare dots), the ten slowest tests
# at the end; no .pytest_cache left in the checkout.
test: $(VENV)/.test chromium sphinxsearch
	$(PY) -m pytest -p no:cacheprovider --durations=10 $(PYTEST_ARGS)

# Browser tests drive Debian's /usr/bin/chromium; their screenshots (tests/output/) need a CJK
# font to show Chinese. Install what is missing when we can (root with apt-get).
chromium:
	@need=""; \
	command -v chromium >/dev/null 2>&1 || need=" chromium"; \
	[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || need="$$need fonts-wqy-microhei"; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need) \
	      || echo "could not install$$need: browser tests may be skipped"; \
	  else \
	    echo "missing:$$need (sudo apt-get install$$need): browser tests may be skipped"; \
	  fi; \
	fi

# The cluster tests start real searchd nodes (Debian's sphinxsearch); they skip when it is absent.
sphinxsearch:
	@if ! command -v searchd >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sphinxsearch) \
	      || echo "could not install sphinxsearch: cluster tests will be skipped"; \
	  else \
	    echo "missing: searchd (sudo apt-get install sphinxsearch): cluster tests will be skipped"; \
	  fi; \
	fi

bench: $(VENV)/.test
	$(PY) -m pytest -q -s tests/bench $(PYTEST_ARGS)

lint: $(VENV)/.test typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The engine contract (search/backend.py) checked where it is used: search/ and cli.py.
typecheck: $(VENV)/.test
	$(VENV)/bin/mypy

format: $(VENV)/.test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache
