"""The dashboard converts only the parts of the options result the questions read
(`web.engines.questions_options_data`): its questions are the same as from the whole
conversion, for the examples across their histories and for the options bench's invented
people (who between them have every kind of option, verdict and test to consider)."""

from __future__ import annotations

from types import ModuleType

import pytest

from nextline.knowledge import Knowledge, load_knowledge
from nextline.plan._inputs import options_data, status_data
from nextline.plan.questions import questions_from_data
from nextline.web import engines
from tests.bench_scripts import load_bench


def _digest_module() -> ModuleType:
    module = load_bench("engine_digest.py")
    return module


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


def _items(kb: Knowledge) -> list[tuple[str, object, object]]:
    digest = _digest_module()
    items = list(digest.example_items(kb))
    bench_day = digest.bench_options.AS_OF
    items += [
        (f"options-bench-{i}", record, bench_day)
        for i, record in enumerate(digest.options_bench_records(kb, 40))
    ]
    return items


def test_dashboard_questions_equal_those_from_the_whole_options_result(kb: Knowledge) -> None:
    differ = []
    tests_seen = fitting_seen = 0
    for name, record, day in _items(kb):
        status_js = status_data(engines.status(record, kb, day))
        result = engines.options(record, kb, day)
        whole = questions_from_data(record, kb, day, status_js, options_data(result), None)
        slim_data = engines.questions_options_data(result)
        slim = questions_from_data(record, kb, day, status_js, slim_data, None)
        if slim != whole:
            differ.append(name)
        tests_seen += bool(result.tests_to_consider)
        fitting_seen += any(o.verdict == "fits" for o in result.options)
    assert differ == []
    # the comparison covered both parts the questions read
    assert tests_seen > 0
    assert fitting_seen > 0
