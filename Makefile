# Two commands do all the set-up on a fresh machine:
#   make demo   creates .venv, installs burdenshare, runs the demo on the embedded real data
#   make test   creates .venv if needed, installs, runs the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-16)
DEMO_OUT ?= demo_output

.PHONY: demo test install lint bench samples clean chromium docs fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/burdenshare demo --out $(DEMO_OUT)

lint: install
	$(BIN)/ruff check burdenshare tests benchmarks data_samples docs
	$(BIN)/lint-imports
	$(BIN)/mypy burdenshare

# the browser tests drive Debian's chromium (Playwright never downloads a browser here)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing Debian's chromium for the browser tests (apt-get)"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install lint chromium
	$(BIN)/python -m pytest -p no:cacheprovider -q

# fuzz the readers and the CLI argument layer (tests/fuzz): >= 100,000 generated inputs from the
# fixed seed and corpus (minutes; not part of `make test`, which runs a short deterministic slice),
# plus the atheris harness of the CSV reader when atheris is installed
FUZZ_EXAMPLES ?= 100000
ATHERIS_RUNS ?= 20000
fuzz: install
	BURDENSHARE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -p no:cacheprovider -q tests/fuzz
	@if $(BIN)/python -c "import atheris" 2>/dev/null; then \
	  d=$$(mktemp -d) && cp tests/fuzz/corpus/*.csv $$d/ && \
	  $(BIN)/python tests/fuzz/atheris_csv.py -runs=$(ATHERIS_RUNS) -seed=20261207 $$d; \
	else echo "atheris is not installed: only the hypothesis targets ran"; fi

bench: install chromium
	@for f in import load cli compare montecarlo export econometrics_panel econometrics_did econometrics_iv app_reaction; do \
	  echo "== benchmarks/bench_$$f.py"; $(BIN)/python benchmarks/bench_$$f.py || exit 1; done
	@echo "== benchmarks/bench_multiverse.py --years 10 (the full default takes about 7 min)"
	$(BIN)/python benchmarks/bench_multiverse.py --years 10

# the documentation site into site/: strict (any warning, broken link or formula fails), offline,
# the notebooks executed during the build (docs/hooks; Material's notice about its successor is muted)
docs: install
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# re-derive data_samples/ from ../shared/data (not needed for demo or test)
samples: install
	$(BIN)/python data_samples/derive.py --indicators-md methodology/indicators.md

clean:
	rm -rf $(VENV) $(DEMO_OUT) build dist site *.egg-info
