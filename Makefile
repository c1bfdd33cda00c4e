# The two commands a facilitator or developer needs: `make run` and `make test`.
# Each sets up .venv on first use (and again when pyproject.toml changes).

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
TEST_STAMP := $(VENV)/.test-installed

.PHONY: run test bench clean check-python kit kit-test

check-python:
	@test -n "$(PYTHON)" || { echo "workshop-tui needs Python 3.11 or newer (python3.11, python3.12 ...) on PATH."; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/workshop-tui

test: $(TEST_STAMP)
	bash scripts/test.sh $(BIN)/python

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py

# The offline installation kit (issue 16; README "Before the day"): dist/kit/ and its zip,
# wheels for Linux, macOS and Windows, Python 3.11 to 3.13. Needs the internet (once);
# then kit-test installs it with the network cut off, with each Python 3.11-3.13 on PATH.
KIT_ZIP := dist/workshop-tui-kit.zip
KIT_PYTHONS = $(shell for p in python3.11 python3.12 python3.13; do \
	  $$p -c 'import sys; print("--python", sys.executable)' 2>/dev/null; done)

kit: $(RUN_STAMP)
	$(BIN)/python scripts/kit.py --out dist/kit --zip $(KIT_ZIP)
	@$(MAKE) --no-print-directory kit-test

kit-test: $(RUN_STAMP)
	@test -f $(KIT_ZIP) || { echo "No kit to test: make kit builds it."; exit 1; }
	$(BIN)/python scripts/kit_offline_test.py $(KIT_ZIP) $(KIT_PYTHONS)

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
