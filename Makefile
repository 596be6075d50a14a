# The commands of the README. Each creates .venv if missing and installs ssbsim into it.
# `make test` (what CI runs) checks the code with ruff (lint and format) before the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYBAMM_DISABLE_TELEMETRY := true
export MPLBACKEND := Agg

.PHONY: demo lint test install clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	@# setuptools' notice "Editable installation ... be careful with folders named like the package"
	@# (informational: parameter_sets/ and experiments/ are mapped into the package, which an
	@# editable install does through an import finder) is not shown; its other warnings are
	PYTHONWARNINGS="ignore:Editable installation:UserWarning" $(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/ssbsim run cutoff_sweep -o results/cutoff_sweep --overwrite

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -q

# the solver benchmark suite (a few minutes; --full for the whole matrix): table, JSON, figure
bench: install
	$(BIN)/python benchmarks/solvers.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) results .pytest_cache
