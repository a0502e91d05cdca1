"""Trial matches flow into the questions and the report, in the matcher's `--json` shape."""

from __future__ import annotations

import datetime as dt

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.plan import build_briefing
from nextline.record import load_record
from nextline.report import build_report, render_html
from nextline.trials.catalog import load_default_catalog
from nextline.trials.matching import match_trials

DAY = dt.date(2024, 8, 21)
# Real bundled breast cancer trials (the matcher's own tests pin its verdicts; here only the
# flow into the briefing is checked, from whatever verdicts it gives).
WANTED = {"NCT06395519", "NCT04573231", "NCT05827614", "NCT06465069"}
ASK = ("likely_eligible", "possibly_eligible")


def test_trials_to_ask_about_become_a_question_and_page_one_rows(kb: Knowledge) -> None:
    record = load_record(example_path("triple-negative-brca"), kb, DAY)
    trials = [t for t in load_default_catalog().trials if t.nct_id in WANTED]
    assert len(trials) == 4
    matches = match_trials(record, kb, trials, DAY, include_ineligible=True)
    to_ask = sorted(
        (m for m in matches if m.verdict in ASK),
        key=lambda m: (m.verdict != "likely_eligible", -m.score),
    )
    assert to_ask != []  # the person has trials to ask about among these four
    briefing = build_briefing(record, kb, DAY, trials=matches)
    assert briefing.unavailable == ()
    assert briefing.trials is not None
    assert [m["nct_id"] for m in briefing.trials["matches"]] == [m.trial.nct_id for m in matches]
    asked = next(q for q in briefing.questions if q.id == "trials_found")
    named = ", ".join(m.trial.nct_id for m in to_ask[:3])
    assert asked.text == f"Could I join one of these studies: {named}?"
    html = render_html(build_report(record, kb, DAY, briefing=briefing, charts=False), kb)
    for m in to_ask:
        assert f"<td>{m.trial.nct_id}</td>" in html
    for m in matches:
        if m.verdict not in ASK:
            assert f"<td>{m.trial.nct_id}</td>" not in html
