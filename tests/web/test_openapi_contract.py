"""The API tested from its own OpenAPI document with schemathesis: every generated request
(valid and invalid data, single calls and stateful sequences) gets a documented status
code, a response matching its schema, and never a server error. A short profile runs in
`make test`; `make fuzz` sets NEXTLINE_FUZZ_API_EXAMPLES for a longer one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from nextline.examples import EXAMPLE_IDS
from tests.web.conftest import make_app

EXAMPLES = int(os.environ.get("NEXTLINE_FUZZ_API_EXAMPLES", "6"))
# Rendering a PDF takes seconds: a few examples prove its contract.
SLOW = {"/api/people/{person_id}/summary.pdf": 2}


def _as_loopback(app: Any) -> Callable[..., Any]:
    """schemathesis calls the app as `testserver`; the app answers loopback names only, so
    the test presents its calls as a browser on this machine would."""

    async def loopback(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope = {**scope, "headers": [(b"host", b"127.0.0.1:8321"), *headers]}
        await app(scope, receive, send)

    return loopback


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home: Path = tmp_path_factory.mktemp("contract") / "home"
    app = _as_loopback(make_app(home))
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


# Writes whose body is a patient file or one entry: the OpenAPI document gives their shape,
# but the importer's checks (a date after the as-of date, a regimen that cannot be, an
# unknown section) cannot be written in JSON Schema. They answer a documented 422 naming
# every problem, so "schema-valid data rejected" is expected there and only there.
SEMANTIC_WRITES = {("POST", "/api/people"), ("POST", "/api/people/{person_id}/entries/{section}")}


def _failure(operation: Any, mode: GenerationMode, exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    found = [line for line in lines if line.startswith(("- ", "[", "curl"))] or lines[:2]
    where = f"{operation.method.upper()} {operation.path} ({mode.value})"
    return f"{where}: {type(exc).__name__}: {' | '.join(found)}"


@pytest.mark.parametrize("person", [None, *EXAMPLE_IDS])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_keeps_its_contract(
    api_schema: Any, mode: GenerationMode, person: str | None
) -> None:
    """With generated ids (mostly no such person) and with each stored person, so the
    engines behind every read run on generated dates, options and entries."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        examples = SLOW.get(operation.path, EXAMPLES)
        fixed = {"person_id": person} if person and "{person_id}" in operation.path else None
        if person and fixed is None:
            continue

        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: Any) -> None:
            if (case.operation.method.upper(), case.operation.path) in SEMANTIC_WRITES:
                case.call_and_validate(excluded_checks=[positive_data_acceptance])
            else:
                case.call_and_validate()

        try:
            run()
        except Unsatisfiable:
            continue  # no invalid request exists for an operation without parameters
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failures listed
            failures.append(_failure(operation, mode, exc))
    assert failures == [], "\n".join(failures)


def test_stateful_sequences_keep_the_contract(api_schema: Any) -> None:
    class Machine(api_schema.as_state_machine()):  # type: ignore[misc]
        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            if (case.operation.method.upper(), case.operation.path) in SEMANTIC_WRITES:
                case.validate_response(response, excluded_checks=[positive_data_acceptance])
            else:
                super().validate_response(response, case, **kwargs)

    Machine.run(
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
    )
