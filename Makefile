# Two commands do all the set-up (see README):
#   make run   - create .venv (Python 3.12), install groupsim, run the default comparison
#   make test  - install the test tools and run the tests (this is what .ci/run calls)
PY312 ?= $(shell command -v python3.12 2>/dev/null || echo $(HOME)/.pyenv/versions/3.12.1/bin/python3.12)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test install install-test browser slurm lint bench

$(VENV)/bin/activate:
	$(PY312) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(VENV)/bin/activate
	$(PY) -m pip install -q -e .

install-test: $(VENV)/bin/activate
	$(PY) -m pip install -q -e ".[test]"

run: install
	$(PY) -m sim compare

# Debian's Chromium for the dashboard's browser test (tests/test_dashboard.py drives it
# with Playwright; no browser is downloaded). Installed with apt-get as root or through
# passwordless sudo; elsewhere the test is skipped and says why.
browser:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "note: no chromium and no apt-get: the dashboard's browser test will be skipped"; \
	else \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
		else echo "note: no chromium and no root: the dashboard's browser test will be skipped"; exit 0; fi; \
		echo "installing Debian's chromium for the dashboard's browser test"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
			|| echo "note: could not install chromium: the dashboard's browser test will be skipped"; \
	fi

# Debian's SLURM and munge for the single-node cluster of tests/test_slurm.py (started and
# stopped by scripts/slurm-up and slurm-down). Installed like Chromium; elsewhere those
# tests are skipped and say why. The daemons are not started here: the tests do that.
slurm:
	@if command -v slurmctld >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "note: no SLURM and no apt-get: the SLURM tests will be skipped"; \
	else \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
		else echo "note: no SLURM and no root: the SLURM tests will be skipped"; exit 0; fi; \
		echo "installing Debian's slurm-wlm and munge for the SLURM tests"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq slurm-wlm munge >/dev/null \
			|| echo "note: could not install slurm-wlm: the SLURM tests will be skipped"; \
	fi

test: install-test browser slurm
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/speed.py
