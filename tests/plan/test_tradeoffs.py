"""Goals against the options that fit: route, how often, where, side effects, what to avoid."""

from __future__ import annotations

import datetime as dt

from nextline.knowledge import Knowledge
from nextline.plan import Briefing, goals_tradeoffs
from tests.record.builders import make_record

DAY = dt.date(2025, 6, 1)


def _options(*rows: tuple[str, list[str]]) -> dict[str, object]:
    return {
        "options": [
            {
                "id": oid,
                "name": oid.replace("_", " "),
                "kind": "systemic",
                "drugs": drugs,
                "verdict": "fits",
            }
            for oid, drugs in rows
        ]
        + [
            {
                "id": "not_this",
                "name": "not this",
                "kind": "systemic",
                "drugs": ["letrozole"],
                "verdict": "does_not_fit",
            }
        ],
        "tests_to_consider": [],
    }


def test_a_pill_meets_an_oral_preference_and_an_infusion_touches_iv_avoidance(
    kb: Knowledge,
) -> None:
    record = make_record(
        kb,
        goals={
            "priorities": ["time_at_home"],
            "avoid": ["iv_infusions", "hair_loss"],
            "prefer": ["oral"],
        },
    )
    result = goals_tradeoffs(
        record,
        kb,
        DAY,
        _options(("capecitabine", ["capecitabine"]), ("paclitaxel", ["paclitaxel"])),
    )
    assert result.priorities == ("time_at_home",)
    cape, pac = result.rows
    assert cape.routes == ("pill by mouth",)
    assert cape.where == ("at home",)
    assert cape.how_often == (f"capecitabine: {kb.drugs['capecitabine'].how_given}",)
    assert cape.matches_preference == ("oral",)
    assert cape.wants_to_avoid == ()
    assert pac.routes == ("drip into a vein (IV infusion)",)
    assert pac.where == ("at a clinic or hospital",)
    assert pac.wants_to_avoid == ("iv_infusions", "hair_loss")
    assert pac.matches_preference == ()
    assert pac.common_side_effects == tuple(kb.drugs["paclitaxel"].common_side_effects)


def test_only_options_that_fit_are_compared_and_nothing_is_scored(kb: Knowledge) -> None:
    record = make_record(kb)
    result = goals_tradeoffs(record, kb, DAY, _options(("fulvestrant", ["fulvestrant"])))
    assert [r.option_id for r in result.rows] == ["fulvestrant"]
    assert set(result.rows[0].to_json()) == {
        "option_id",
        "name",
        "drugs",
        "routes",
        "how_often",
        "where",
        "common_side_effects",
        "wants_to_avoid",
        "matches_preference",
    }
    assert result.note == (
        "This table helps you talk with your care team. It does not rank the choices or pick one."
    )


def test_no_options_known_gives_an_empty_table(kb: Knowledge) -> None:
    result = goals_tradeoffs(make_record(kb), kb, DAY, None)
    assert result.rows == ()
    assert (result.priorities, result.avoid, result.prefer) == ((), (), ())


def test_hr_positive_hair_loss_wish_is_shown_against_paclitaxel(
    briefings: dict[str, Briefing],
) -> None:
    rows = {r.option_id: r for r in briefings["hr-positive-esr1"].goals.rows}
    assert rows["elacestrant"].matches_preference == ("oral",)
    assert rows["elacestrant"].wants_to_avoid == ()
    assert rows["paclitaxel"].wants_to_avoid == ("hair_loss",)
