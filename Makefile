# The two commands a user needs: `make plan` and `make test`. Every target
# creates or updates .venv by itself, so a fresh machine needs nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: plan test lint typecheck unit stress-unit integration bench validate clean venv images images-clean

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

## The main job on the bundled sample data.
plan: $(STAMP)
	$(BIN)/lsg plan --out $(OUT)

validate: $(STAMP)
	$(BIN)/lsg validate

## Ruff, and mypy strict on the package, the tests and the benchmarks ([tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check lsg_infra tests benchmarks
	$(BIN)/ruff format --check lsg_infra tests benchmarks
	$(BIN)/mypy

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q -m "not integration and not slow"

## The unit suite 20 times with both cores busy: a flaky test shows here first.
stress-unit: $(STAMP)
	ci/stress-unit.sh 20

integration: $(STAMP)
	$(BIN)/pytest -q -m integration

## Lint, type checks and the whole test suite (integration tests included).
test: lint
	ci/test-tools.sh
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## Container images for the integration tests (built on demand by the tests too).
images:
	ci/build-host-image.sh
	ci/build-netbox-image.sh

## Stop every test container and remove the images (they are rebuilt on demand).
images-clean:
	-ci/hosts.sh down --all
	-ci/netbox.sh down --all
	-podman rmi $$(podman images -q --filter reference='localhost/lsg-infra-*')

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
