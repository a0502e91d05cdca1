# The two commands: `make run` and `make test`. Both set everything up on a fresh machine
# (Python 3.11 and the package registries are all they need).
SHELL := /bin/bash
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test setup bench schema docs clean fuzz

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==0.13.9

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --all-extras --quiet --compile-bytecode
	touch $@

setup: $(VENV)/.synced
	bash scripts/system-deps
	@# Byte-compile our own code too: start-up stays fast even where PYTHONDONTWRITEBYTECODE is set.
	$(PY) -m compileall -q src
	@# The engine's hottest modules compiled with mypyc where the machine can (same results;
	@# a stale or failed build falls back to plain Python: scripts/build_native.py).
	$(PY) scripts/build_native.py

run: setup
	bash scripts/run-web

test: setup
	bash scripts/install-browser
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	bash scripts/with-postgres $(VENV)/bin/pytest -n 2 --dist loadfile

# The long fuzzing profile: 100,000 patient files (50,000 per mutation kind), 10,000 FHIR
# inputs, 6,000 trial files over the four loaders, 200 API examples per operation; prints the
# counts at the end.
fuzz: setup
	NEXTLINE_FUZZ=long NEXTLINE_FUZZ_API_EXAMPLES=200 $(VENV)/bin/pytest tests/fuzz tests/web/test_openapi_contract.py

bench: setup
	bash scripts/bench

schema: setup
	$(VENV)/bin/nextline schema --write

docs: setup
	$(VENV)/bin/python -m nextline.cli.reference > docs/cli.md

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache src/nextline/_native_built.json
	find src -name '*.so' -delete
