# gongkai — the README's two commands are `make demo` and `make test`; both set themselves up.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
DEMO_INDEX := var/demo-index
DEMO_QUERY ?= 依申请公开

.PHONY: demo test bench lint format clean chromium

$(VENV)/.base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -e .
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(PIP) install -e '.[test]'
	touch $@

demo: $(VENV)/.base
	$(PY) cli.py ingest corpus/samples --index $(DEMO_INDEX)
	$(PY) cli.py search '$(DEMO_QUERY)' --index $(DEMO_INDEX) --limit 5

test: $(VENV)/.test chromium
	$(PY) -m pytest -q $(PYTEST_ARGS)

# Browser tests drive Debian's /usr/bin/chromium; install it when we can (root with apt-get).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	      || echo "could not install chromium: browser tests will be skipped"; \
	  else \
	    echo "chromium is missing (sudo apt-get install chromium): browser tests will be skipped"; \
	  fi; \
	fi

bench: $(VENV)/.test
	$(PY) -m pytest -q -s tests/bench $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache
