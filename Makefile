# Every target builds its own environment in .venv on first use.
# torch is pinned to one release (TORCH_SPEC=... picks another; see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TORCH_SPEC ?= torch==2.13.0

.PHONY: test test-fast test-inductor lint typecheck export bench bench-quick gpu-check norse-suite clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet "$(TORCH_SPEC)"
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Two workers (CI has two cores); each test file runs on one (module fixtures, the README in order).
test: $(VENV)/.installed
	$(PY) -m pytest -n 2 --dist loadfile

# A representative subset for the edit-test loop (tests marked slow left out; see tests/conftest.py).
test-fast: $(VENV)/.installed
	$(PY) -m pytest -n 2 --dist loadfile -m "not slow"

# Inductor compiles of every registry case (left out of `make test`: the cases compile with aot_eager there).
test-inductor: $(VENV)/.installed
	$(PY) -m pytest -n 2 -m inductor_sweep tests/test_generic_modules.py

# ruff's lint rules and formatting, as configured in pyproject.toml.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy on the package (per-module relaxations in pyproject.toml).
typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

# Train (unless checkpointed), export, validate and serve the example networks; see export_examples/.
export: $(VENV)/.installed
	$(PY) -m export_examples

# The standard workloads on every backend; results are appended to bench-results/results.jsonl.
bench: $(VENV)/.installed
	$(PY) -m snn_deploy.benchmarks

bench-quick: $(VENV)/.installed
	$(PY) -m snn_deploy.benchmarks --quick

# For the few minutes a GPU machine is lent: the CUDA tests and the CUDA rows of the bench within
# 8 minutes, on the python3 found there (no .venv, no downloads); results in $OUT, else gpu-check-results/.
gpu-check:
	PYTHONPATH=.$${PYTHONPATH:+:$$PYTHONPATH} $(PYTHON) -m snn_deploy.benchmarks.gpu_check

# norse 1.1.0's module and functional tests against snn_deploy through an import alias, in a scratch
# environment under /tmp (NORSE_SUITE_DIR=...); prints the pass count against norse's own. Not part of `test`.
NORSE_SUITE_DIR ?= /tmp/norse-suite
norse-suite: $(VENV)/.installed
	PYTHONPATH=$(CURDIR) $(PY) tools/norse_suite.py --dir $(NORSE_SUITE_DIR)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
