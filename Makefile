# The two commands of the README. Both create .venv if missing and install ssbsim into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PYBAMM_DISABLE_TELEMETRY := true
export MPLBACKEND := Agg

.PHONY: demo test install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/ssbsim run cutoff_sweep -o results/cutoff_sweep

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) results .pytest_cache
