VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz sanitize install clean bench bench-quick bench-million

$(STAMP): pyproject.toml setup.py src/compliance/_cyaml.c src/compliance/_cjson.c
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Checks the bundled example plans; the county plan's faults are known, so
# --fail-on never keeps the demo's exit status 0 while still printing them.
demo: $(STAMP)
	$(VENV)/bin/compliance check examples/ --as-of 2024-03-10 --fail-on never

test: $(STAMP)
	$(PY) -m pytest -q

# Property-based tests (tests/test_fuzz.py) at length: over 10^5 generated
# plan files, bytes and command lines; `make test` runs a bounded sample.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py --hypothesis-show-statistics

# The C extensions built with AddressSanitizer and UBSan, and the tests that
# feed them (scripts/sanitize.sh; needs gcc's libasan and libubsan).
sanitize: $(STAMP)
	scripts/sanitize.sh

# Benchmarks (benchmarks/run.py): S = 1 plan of 1,000 items, M = 300 plans
# and L = 3,000 plans of 100 items, each row in a fresh process, beside the
# durable_rules ceiling and plain Python on the same facts; plans are
# generated once into .bench/. bench-million checks 10^6 items in one run.
bench: $(STAMP)
	$(PY) benchmarks/run.py --sizes S,M,L

bench-quick: $(STAMP)
	$(PY) benchmarks/run.py --sizes S

bench-million: $(STAMP)
	$(PY) benchmarks/run.py --sizes XL

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
