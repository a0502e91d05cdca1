"""The engines give byte-identical answers to the ones stored before the speed-up (issue 17):
a sample of both benches' invented people, each through both engines, and the three
examples at dates across their histories. `bench/engine_digest.py` explains the digest.

A failure names every item that changed. If a change of output is intended (new medicine in
the knowledge base, new words), rerun `python bench/engine_digest.py --write` on purpose and
say why in the commit; a speed-up must never need that.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from nextline.knowledge import Knowledge
from tests.bench_scripts import load_bench


def _module() -> ModuleType:
    module = load_bench("engine_digest.py")
    return module


@pytest.fixture(scope="module")
def digest() -> ModuleType:
    return _module()


def test_every_sampled_output_is_byte_identical_to_the_stored_one(
    digest: ModuleType, kb: Knowledge
) -> None:
    stored = digest.stored()["sample"]
    now = digest.digests(kb, digest.SAMPLE_ASSESS, digest.SAMPLE_OPTIONS)
    assert sorted(now) == sorted(stored)
    changed = [
        f"{engine}: {item}"
        for engine, items in stored.items()
        for item, value in items.items()
        if now[engine].get(item) != value
    ]
    assert changed == []
    assert {engine: sorted(items) for engine, items in now.items()} == {
        engine: sorted(items) for engine, items in stored.items()
    }


def test_the_sample_covers_every_verdict_and_status(digest: ModuleType, kb: Knowledge) -> None:
    """The sample is worth comparing only if it reaches every branch a person can see."""
    from nextline.assess import assess_status
    from nextline.options import list_options

    records = digest.assess_bench_records(kb, 40) + digest.options_bench_records(kb, 60)
    overall = {assess_status(r, kb, digest.bench_assess.AS_OF).overall for r in records[:40]}
    assert overall >= {"working", "not_working"}
    verdicts = {
        o.verdict
        for r in records[40:]
        for o in list_options(r, kb, digest.bench_options.AS_OF).options
    }
    assert verdicts == {"fits", "may_fit", "does_not_fit"}
    examples = {assess_status(r, kb, day).overall for _, r, day in digest.example_items(kb)}
    assert examples == {"working", "unclear", "not_working", "no_current_treatment"}


def test_a_changed_output_changes_its_digest(digest: ModuleType) -> None:
    """The digest sees one character: canonical JSON, then SHA-256."""
    one = digest.canonical({"b": [1, 2], "a": "words"})
    assert one == b'{"a":"words","b":[1,2]}'
    assert digest.combine(["x", "y"]) != digest.combine(["y", "x"])
