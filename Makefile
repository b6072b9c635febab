# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Only python3 and make are needed; uv is used when it can be installed (much faster).
# `make lab` starts JupyterLab on the notebooks; the CLI is .venv/bin/workbench.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8866
LAB_PORT ?= 8888
SAMPLE := sample_data/reps.csv
# `make run` keeps POOL_SIZE kernels per app started, each with the app already run on the data
# (Voila's preheated kernels), so an app opens in seconds; each holds the data in memory.
# POOL_SIZE=0 starts a kernel when a page opens instead. docs/apps.md explains the trade-off.
POOL_SIZE ?= 1
# More Voila options for `make run`, e.g. VOILA_ARGS=--Voila.token=SECRET (docs/deploy.md).
VOILA_ARGS ?=
# The workbench's Voila template (the app index, no CDN requests) and configuration.
VOILA_ENV := JUPYTER_PATH=$(CURDIR)/share/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH)) \
	JUPYTER_CONFIG_PATH=$(CURDIR)/etc/jupyter$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))
# Python keeps the bytecode it compiles under .venv/pycache, even where the environment says
# PYTHONDONTWRITEBYTECODE (as some containers do): otherwise every test worker, app kernel,
# notebook and CLI call compiles pandas, scikit-learn, statsforecast... from source again.
unexport PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
# Jupyter refuses to run as root (containers, CI) unless told it may.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: run lab test venv sample bench clean strip-notebooks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv || true

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@if [ -x $(BIN)/uv ]; then \
		$(BIN)/uv pip install -q --python $(BIN)/python -e ".[test]"; \
	else \
		$(BIN)/python -m pip install -q -e ".[test]"; \
	fi
	touch $@

venv: $(VENV)/.installed

# The test run also needs the `spark` extra (pyspark, ~450 MB) for tests/kpi/test_spark.py; it is
# added to the same venv under its own stamp, so `make run` stays without it.
$(VENV)/.installed-spark: pyproject.toml $(VENV)/.installed
	@if [ -x $(BIN)/uv ]; then \
		$(BIN)/uv pip install -q --python $(BIN)/python -e ".[test,spark]"; \
	else \
		$(BIN)/python -m pip install -q -e ".[test,spark]"; \
	fi
	touch $@

$(SAMPLE): | $(VENV)/.installed
	$(BIN)/workbench sample --out sample_data

sample: $(SAMPLE)

run: venv sample
	$(VOILA_ENV) $(BIN)/python -m voila apps/ --no-browser --port=$(PORT) --Voila.ip=127.0.0.1 \
		--preheat_kernel=$(if $(filter 0,$(POOL_SIZE)),False,True) --pool_size=$(POOL_SIZE) $(VOILA_ARGS)

lab: venv sample
	@echo "JupyterLab on notebooks/: open the http://127.0.0.1:$(LAB_PORT)/lab?token=... address it prints below (Ctrl-C stops it)"
	$(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --port=$(LAB_PORT) --ServerApp.root_dir=notebooks $(AS_ROOT)

# The suite runs on every core (pytest-xdist); `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto

test: $(VENV)/.installed-spark
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal

bench: venv
	for b in benchmarks/*_bench.py benchmarks/pipeline_backtest.py benchmarks/app_latency.py; do $(BIN)/python $$b || exit 1; done

strip-notebooks: venv
	$(BIN)/python -m nbconvert --clear-output --inplace notebooks/*.ipynb apps/*.ipynb

clean:
	rm -rf $(VENV) build *.egg-info
