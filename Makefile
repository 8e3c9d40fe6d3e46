VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test install clean

$(STAMP): pyproject.toml
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

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
