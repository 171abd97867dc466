# Everything a fresh machine needs is installed by these targets: a private uv in .tools/,
# then the locked workspace in .venv/.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
RUN := $(UV) run --frozen --all-packages

.PHONY: install peer demo test lint typecheck unit bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

install: $(UV)
	$(UV) sync --frozen --all-packages --quiet

# The vendor's local gateway runtime, in a throwaway venv of its own: a black-box peer for tests.
PEER := .tools/peer/bin/python
$(PEER):
	$(PYTHON) -m venv .tools/peer
	.tools/peer/bin/pip install --quiet --disable-pip-version-check qhub-serve==1.4.3

peer: $(PEER)

demo: install
	$(RUN) python -m qhub.local.demo

lint: install
	$(RUN) ruff check packages tests benchmarks
	$(RUN) ruff format --check packages tests benchmarks

typecheck: install
	$(RUN) mypy packages/qhub-api/src packages/qhub-service/src packages/qhub-local/src tests

unit: install peer
	$(RUN) pytest -q

test: lint typecheck unit

bench: install
	$(RUN) python benchmarks/run.py

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache
