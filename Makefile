# Two commands a new machine needs: `make run` (set up, then run the pipeline on the seed corpus)
# and `make test` (set up, then run every test, slow and browser tests included).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.argmap-installed
export PATH := $(CURDIR)/$(BIN):$(PATH)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup lock run test test-fast browser tools lint clean

# constraints.txt holds the exact version of every other package, so a fresh machine gets the
# libraries dvc.lock's output hashes were made with.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch is pinned in the same command so pip never resolves a CUDA build.
	$(BIN)/python -m pip install --quiet -c constraints.txt "torch==2.13.0" -e ".[dev]"
	touch $(STAMP)

# After changing dependencies: pin what is installed now (the bench extra included when present).
lock: setup
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v -i -E '^(argmap|torch)==|@'; } > constraints.tmp
	mv constraints.tmp constraints.txt

setup: $(STAMP)

# Debian's Chromium for the report's browser tests (a test tool's own browser download is not reachable).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The reference tools the export tests read the exports back with, each in a folder of its own:
# the Argdown CLI (npm, with Debian's Node) and arguebuf (its own venv: it pins lxml below 6,
# which the project's HTML reader cannot use).
ARGDOWN_TOOL := tests/tools/argdown/node_modules/.argmap-installed
ARGUEBUF_TOOL := tests/tools/arguebuf/.venv/.argmap-installed

$(ARGDOWN_TOOL): tests/tools/argdown/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix tests/tools/argdown --no-audit --no-fund --loglevel=error
	touch $@

$(ARGUEBUF_TOOL): tests/tools/arguebuf/requirements.txt
	$(PYTHON) -m venv tests/tools/arguebuf/.venv
	tests/tools/arguebuf/.venv/bin/python -m pip install --quiet -r tests/tools/arguebuf/requirements.txt
	touch $@

tools: $(ARGDOWN_TOOL) $(ARGUEBUF_TOOL)

run: setup
	dvc repro
	dvc metrics show

# The tests need no pipeline run here: the slow ones run `dvc repro` in temporary copies of the
# project (tests/project_copy.py) and check that the cold run writes the bytes dvc.lock records.
test: setup browser tools
	pytest -q

test-fast: setup
	pytest -q -m "not slow and not browser"

lint: setup
	ruff check pipeline benchmarks tests

clean:
	rm -rf outputs work
