# The two commands of the README: `make demo` and `make test`. Each installs what is missing by itself.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
INDUSTRIES := education hotel telecom software car-rental catering fitness

.PHONY: test demo bench lint screenshots system-runtime system-test clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,typst]'
	@rm -f $(VENV)/.installed-*; touch $@

system-runtime:
	@scripts/setup-system.sh runtime

system-test:
	@scripts/setup-system.sh test

test: system-test $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/contractgen lint
	$(PY) -m pytest -n 2 -q

demo: system-runtime $(STAMP)
	@mkdir -p output
	@for i in $(INDUSTRIES); do \
	  $(VENV)/bin/contractgen init $$i --example > output/$$i.yaml && \
	  $(VENV)/bin/contractgen build output/$$i.yaml -o output/$$i --format docx,pdf,html,md --force || exit 1; \
	done

bench: system-test $(STAMP)
	$(PY) benchmarks/run.py

# Screenshots of every page the browser test visits, to look at before calling a page done.
screenshots: system-test $(STAMP)
	rm -rf output/screenshots
	CONTRACTGEN_SCREENSHOTS=$(CURDIR)/output/screenshots $(PY) -m pytest tests/test_web_browser.py -q -p no:cacheprovider

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/contractgen lint

clean:
	rm -rf $(VENV) output/*/ build dist
