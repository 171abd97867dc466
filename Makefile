# Everything a fresh machine needs is installed by these targets: a private uv in .tools/,
# then the locked workspace in .venv/.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
RUN := $(UV) run --frozen --all-packages

.PHONY: install peer vendor-clients chromium demo docs test test-fast lint typecheck unit bench clean generate spec-from-vendor fuzz

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: as pip installs; without it a process whose environment sets
# PYTHONDONTWRITEBYTECODE recompiles FastAPI, pydantic and Qiskit at every start.
install: $(UV)
	$(UV) sync --frozen --all-packages --quiet --compile-bytecode

# The vendor's local gateway runtime, in a throwaway venv of its own: a black-box peer for tests.
PEER := .tools/peer/bin/python
$(PEER):
	$(PYTHON) -m venv .tools/peer
	.tools/peer/bin/pip install --quiet --disable-pip-version-check qhub-serve==1.4.3

peer: $(PEER)

# The vendor's published API clients, in a throwaway venv: the conformance test runs them
# against our local Hub (tests/peer/test_vendor_clients.py).
VENDOR_CLIENTS := .tools/vendor-clients/bin/python
$(VENDOR_CLIENTS):
	$(PYTHON) -m venv .tools/vendor-clients
	.tools/vendor-clients/bin/pip install --quiet --disable-pip-version-check qhub-api==3.3.0

vendor-clients: $(VENDOR_CLIENTS)

# A headless Chromium for the dashboard's browser tests (tests/local/test_dashboard_browser.py),
# from Debian's packages. Nothing to do when one is on the PATH or QHUB_CHROMIUM names one.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
chromium:
	@if [ -n "$$QHUB_CHROMIUM" ] || command -v chromium >/dev/null 2>&1 \
		|| command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; then \
		exit 0; \
	fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "make chromium: no apt-get here; install Chromium and put it on the PATH, or set QHUB_CHROMIUM" >&2; \
		exit 1; \
	fi; \
	$(SUDO) apt-get update -qq && \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

demo: install
	$(RUN) python -m qhub.local.demo

# The documentation site (mkdocs.yml, docs/) into site/, offline: no fonts, scripts or styles
# fetched; --strict fails on any warning (a broken link, a docstring griffe can't read).
docs: install
	NO_MKDOCS_2_WARNING=1 $(RUN) mkdocs build --strict

# spec/ -> the generated layer of qhub-api (committed; `make lint` fails when it is stale).
generate: install
	$(RUN) python tools/generate.py

# Maintainer tool, never run by CI: rebuild spec/ from the vendor's published qhub-api, read as
# a black box in a throwaway venv (signatures, recorded requests, model schemas).
VENDOR := .tools/vendor-api/bin/python
spec-from-vendor:
	$(PYTHON) -m venv .tools/vendor-api
	.tools/vendor-api/bin/pip install --quiet --disable-pip-version-check qhub-api==3.3.0
	$(VENDOR) tools/spec_from_vendor.py

lint: install
	$(RUN) python tools/generate.py --check
	$(RUN) ruff check packages tests benchmarks tools
	$(RUN) ruff format --check packages tests benchmarks tools

typecheck: install
	$(RUN) mypy packages/qhub-api/src packages/qhub-service/src packages/qhub-local/src tests

# Each tier prints its time against its budget (QHUB_TEST_BUDGET_SECONDS, tests/conftest.py).
unit: install peer vendor-clients chromium
	QHUB_TEST_BUDGET_SECONDS=600 $(RUN) pytest -q

test: lint typecheck unit

# The fast tier for your own loop (about a minute): client mechanics, the contract tests, the
# Hub in-process; no wheel builds, vendor peers or long end-to-end runs.
test-fast: install
	QHUB_TEST_BUDGET_SECONDS=90 $(RUN) pytest -q -m "not slow and not peer" tests/api tests/contract tests/service tests/test_public_surface.py

bench: install chromium
	$(RUN) python benchmarks/run.py

# The long schemathesis run over every operation of the four APIs (make test runs 10 examples
# per operation; this, 200): 0 server errors and 0 responses off the spec expected.
fuzz: install
	QHUB_FUZZ_EXAMPLES=200 $(RUN) pytest -q -p no:randomly tests/local/test_fuzz.py

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache
