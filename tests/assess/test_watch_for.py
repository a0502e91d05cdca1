"""What to watch for on the running treatment: serious side effects and the red flags each
drug makes urgent, for everyone on it (not only those with a related problem on record)."""

from __future__ import annotations

import datetime as dt

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from tests.assess.builders import make_record, therapy

AS_OF = dt.date(2024, 3, 10)


def watch(kb: Knowledge, *drugs: str, stop: str | None = None) -> dict[str, tuple[str, ...]]:
    line = therapy(list(drugs), "2024-02-01", stop, "progression" if stop else None)
    status = assess_status(make_record(kb, therapies=[line]), kb, AS_OF)
    return {item.drug: item.report_at_once for item in status.watch_for}


def test_t_dxd_warns_of_lung_inflammation_for_everyone(kb: Knowledge) -> None:
    record = make_record(kb, therapies=[therapy(["Enhertu"], "2024-02-01")])
    status = assess_status(record, kb, AS_OF)
    (item,) = status.watch_for
    assert item.drug == "trastuzumab deruxtecan"
    assert any("lung" in s for s in item.serious_side_effects)
    assert any("pneumonitis" in flag for flag in item.report_at_once)
    assert any(c.id == "fda_label_trastuzumab_deruxtecan" for c in item.sources)


def test_each_running_drug_brings_its_own_urgent_signs(kb: Knowledge) -> None:
    found = watch(kb, "ribociclib", "letrozole")
    assert any("ribociclib" in flag for flag in found["ribociclib"])
    assert any("pneumonitis" in flag for flag in found["ribociclib"])
    assert found.get("letrozole", ()) == ()


def test_nothing_to_watch_when_no_line_is_running(kb: Knowledge) -> None:
    assert watch(kb, "trastuzumab deruxtecan", stop="2024-03-01") == {}


def test_watch_for_sources_are_listed_with_their_titles(kb: Knowledge) -> None:
    record = make_record(kb, therapies=[therapy(["Enhertu"], "2024-02-01")])
    status = assess_status(record, kb, AS_OF)
    listed = {s.id for s in status.sources}
    assert [c.id for w in status.watch_for for c in w.sources if c.id not in listed] == []
