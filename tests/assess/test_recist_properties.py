"""Properties of the RECIST engine that must hold for any measurements (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextline.knowledge import Knowledge, load_knowledge
from tests.assess.builders import lesion, only_line, scan

ORGANS = ("liver", "lung", "adrenal", "skin", "peritoneum")
KB: Knowledge = load_knowledge()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

sizes = st.lists(st.integers(min_value=10, max_value=120), min_size=1, max_size=5)


def targets(date: str, mms: list[float], order: list[int] | None = None) -> dict[str, Any]:
    found = [lesion(f"t{i}", mm, organ=ORGANS[i]) for i, mm in enumerate(mms)]
    if order is not None:
        found = [found[i] for i in order]
    return scan(date, *found)


@SETTINGS
@given(
    base=sizes,
    shrink=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=10, max_size=10),
    shrink_more=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=10, max_size=10),
)
def test_shrinking_every_target_never_gives_progression(
    base: list[int], shrink: list[float], shrink_more: list[float]
) -> None:
    first = [round(mm * f, 1) for mm, f in zip(base, shrink, strict=False)]
    second = [round(mm * f, 1) for mm, f in zip(first, shrink_more, strict=False)]
    line = only_line(
        KB,
        targets("2024-01-20", list(map(float, base))),
        targets("2024-04-20", first),
        targets("2024-07-20", second),
    )
    assert [p.overall == "PD" for p in line.timepoints] == [False, False]


@SETTINGS
@given(
    base=sizes,
    change=st.lists(st.floats(min_value=0.0, max_value=3.0), min_size=10, max_size=10),
    new_mm=st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
)
def test_adding_a_new_lesion_always_gives_progression(
    base: list[int], change: list[float], new_mm: int | None
) -> None:
    after = [round(mm * f, 1) for mm, f in zip(base, change, strict=False)]
    follow_up = targets("2024-04-20", after)
    follow_up["lesions"].append(lesion("new-1", new_mm, organ="bone", role="new"))
    line = only_line(KB, targets("2024-01-20", list(map(float, base))), follow_up)
    point = line.timepoints[0]
    assert (point.overall, "recist_pd_new_lesion" in point.rules) == ("PD", True)


@SETTINGS
@given(
    base=sizes,
    change=st.lists(st.floats(min_value=0.0, max_value=3.0), min_size=10, max_size=10),
    data=st.data(),
)
def test_the_result_does_not_depend_on_lesion_order(
    base: list[int], change: list[float], data: st.DataObject
) -> None:
    after = [round(mm * f, 1) for mm, f in zip(base, change, strict=False)]
    order_a = data.draw(st.permutations(range(len(base))))
    order_b = data.draw(st.permutations(range(len(base))))

    def summary(order_base: list[int], order_after: list[int]) -> list[tuple[Any, ...]]:
        line = only_line(
            KB,
            targets("2024-01-20", list(map(float, base)), order_base),
            targets("2024-04-20", after, order_after),
        )
        return [(line.baseline_sum_mm, line.best_overall)] + [
            (p.sum_mm, p.change_from_baseline_pct, p.change_from_nadir_pct, p.overall, p.rules)
            for p in line.timepoints
        ]

    assert summary(list(order_a), list(order_b)) == summary(
        list(range(len(base))), list(range(len(base)))
    )
