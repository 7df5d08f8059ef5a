# Two commands do all the set-up (see README):
#   make run   - create .venv (Python 3.12), install groupsim, run the default comparison
#   make test  - install the test tools and run the tests (this is what .ci/run calls)
PY312 ?= $(shell command -v python3.12 2>/dev/null || echo $(HOME)/.pyenv/versions/3.12.1/bin/python3.12)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test install install-test lint bench

$(VENV)/bin/activate:
	$(PY312) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(VENV)/bin/activate
	$(PY) -m pip install -q -e .

install-test: $(VENV)/bin/activate
	$(PY) -m pip install -q -e ".[test]"

run: install
	$(PY) -m sim.compare

test: install-test
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/speed.py
