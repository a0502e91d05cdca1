"""One overall status for the current line, and what "current" means on a date."""

from __future__ import annotations

import datetime as dt

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from tests.assess.builders import lesion, make_record, scan, therapy, with_rise

D = dt.date


def targets(date: str, a: float, b: float, *extra: dict) -> dict:
    return scan(date, lesion("liver-1", a), lesion("lung-1", b, organ="lung"), *extra)


def test_status_partial_response_on_the_running_line_is_working(kb: Knowledge) -> None:
    record = make_record(kb, imaging=[targets("2024-01-20", 30, 20), targets("2024-04-20", 15, 10)])
    status = assess_status(record, kb, D(2024, 5, 1))
    assert (status.overall, status.latest_scan) == ("working", D(2024, 4, 20))
    assert status.headline == (
        "The latest scan (2024-04-20) suggests letrozole is working: the measured tumors have "
        "shrunk by at least 30 % (RECIST PR)."
    )
    assert status.current_line is not None
    assert (status.current_line.number, status.current_line.drugs, status.current_line.start) == (
        1,
        ("letrozole",),
        D(2024, 2, 1),
    )
    recist = next(e for e in status.evidence if e.kind == "recist")
    assert (recist.rule, recist.paths, recist.points_to) == (
        "recist_pr",
        ("imaging[1]",),
        "working",
    )
    assert [c.id for c in recist.sources] == ["recist_1_1"]


def test_status_progression_on_the_running_line_is_not_working(kb: Knowledge) -> None:
    record = make_record(kb, imaging=[targets("2024-01-20", 30, 20), targets("2024-04-20", 40, 20)])
    status = assess_status(record, kb, D(2024, 5, 1))
    assert status.overall == "not_working"
    assert status.headline == (
        "The scan on 2024-04-20 suggests the cancer is growing on letrozole (RECIST PD). "
        "Talk with your team about what comes next."
    )


def test_status_without_a_scan_since_the_start_is_unclear(kb: Knowledge) -> None:
    record = make_record(kb, imaging=[targets("2024-01-20", 30, 20)])
    status = assess_status(record, kb, D(2024, 3, 1))
    assert status.overall == "unclear"
    assert status.headline == (
        "It is too early to tell whether letrozole is working: there is no scan since it "
        "started on 2024-02-01."
    )


def test_status_unreadable_scan_is_unclear(kb: Knowledge) -> None:
    record = make_record(
        kb,
        imaging=[targets("2024-01-20", 30, 20), scan("2024-04-20", lesion("liver-1", 25))],
    )
    assert assess_status(record, kb, D(2024, 5, 1)).overall == "unclear"


def test_status_new_site_after_a_good_scan_makes_it_unclear(kb: Knowledge) -> None:
    record = make_record(
        kb,
        imaging=[targets("2024-01-20", 30, 20), targets("2024-04-20", 15, 10)],
        metastases=[
            {"site": "liver", "since": "2024-01-01"},
            {"site": "brain", "since": "2024-05-10"},
        ],
    )
    status = assess_status(record, kb, D(2024, 5, 15))
    assert status.overall == "unclear"
    assert [(s.site, s.since, s.path) for s in status.new_sites] == [
        ("brain", D(2024, 5, 10), "metastases[1]")
    ]
    site = next(e for e in status.evidence if e.kind == "new_site")
    assert (site.rule, site.points_to) == ("new_metastatic_site", "not_working")


def test_status_team_says_worse_after_a_good_scan_is_unclear_and_says_so(kb: Knowledge) -> None:
    record = make_record(
        kb,
        imaging=[targets("2024-01-20", 30, 20), targets("2024-04-20", 15, 10)],
        assessments=[{"date": "2024-05-02", "by": "Dr. Test", "disease_status": "worsened"}],
    )
    status = assess_status(record, kb, D(2024, 5, 15))
    assert status.overall == "unclear"
    assert status.clinician is not None
    assert (status.clinician.agrees, status.clinician.path) == (False, "assessments[0]")
    assert status.clinician.text == (
        "Dr. Test recorded the disease as worse on 2024-05-02. nextline's reading of the scan "
        "on 2024-04-20 is RECIST PR, which points a different way. Ask your team about this "
        "difference: they see things a scan report does not."
    )


def test_status_team_agreeing_is_shown_without_a_disagreement(kb: Knowledge) -> None:
    record = make_record(
        kb,
        imaging=[targets("2024-01-20", 30, 20), targets("2024-04-20", 15, 10)],
        assessments=[
            {"date": "2024-04-22", "disease_status": "improved", "visceral_crisis": False}
        ],
    )
    status = assess_status(record, kb, D(2024, 5, 15))
    assert status.overall == "working"
    assert status.clinician is not None
    assert (status.clinician.agrees, status.clinician.text) == (
        True,
        "Your care team recorded the disease as improved on 2024-04-22.",
    )


def test_status_with_no_line_yet_has_no_current_treatment(kb: Knowledge) -> None:
    record = make_record(kb, therapies=[])
    status = assess_status(record, kb, D(2024, 5, 1))
    assert (status.overall, status.current_line, status.last_line) == (
        "no_current_treatment",
        None,
        None,
    )
    assert status.headline == "No treatment for metastatic cancer is recorded yet."


def test_status_line_stopped_for_progression_says_it_stopped_working(kb: Knowledge) -> None:
    record = make_record(
        kb,
        therapies=[therapy(["letrozole"], "2024-02-01", "2024-05-05", "progression")],
        imaging=[targets("2024-01-20", 30, 20), targets("2024-04-30", 45, 20)],
    )
    running = assess_status(record, kb, D(2024, 5, 4))
    assert (running.overall, running.current_line is not None) == ("not_working", True)
    assert running.current_line and (
        running.current_line.stop,
        running.current_line.stop_reason,
    ) == (None, None)  # on 2024-05-04 the stop is not known yet
    stopped = assess_status(record, kb, D(2024, 5, 6))
    assert (stopped.overall, stopped.current_line) == ("no_current_treatment", None)
    assert stopped.last_line is not None
    assert (stopped.last_line.stop, stopped.last_line.stop_reason) == (D(2024, 5, 5), "progression")
    assert "That treatment stopped working: the scan on 2024-04-30 showed growth (RECIST PD)." in (
        stopped.headline
    )


def test_status_line_stopped_for_side_effects_does_not_say_it_stopped_working(
    kb: Knowledge,
) -> None:
    record = make_record(
        kb,
        therapies=[therapy(["letrozole"], "2024-02-01", "2024-05-05", "toxicity")],
        imaging=[targets("2024-01-20", 30, 20), targets("2024-04-30", 15, 10)],
    )
    status = assess_status(record, kb, D(2024, 5, 6))
    assert status.headline == (
        "No treatment is recorded as running now. The last one, letrozole (line 1), stopped "
        "on 2024-05-05 because of side effects."
    )


def test_status_rising_marker_alone_never_makes_it_not_working(kb: Knowledge) -> None:
    record = make_record(
        kb,
        imaging=[targets("2024-01-20", 30, 20), targets("2024-06-20", 15, 10)],
        labs=[
            {"date": "2024-01-25", "test": "CA 15-3", "value": 30, "unit": "U/mL"},
            {"date": "2024-06-25", "test": "CA 15-3", "value": 90, "unit": "U/mL"},
        ],
    )
    status = assess_status(record, with_rise(kb, 25), D(2024, 7, 1))
    assert status.overall == "working"
    marker = next(e for e in status.evidence if e.kind == "marker")
    assert (marker.points_to, marker.supporting_only) == ("not_working", True)


def test_status_cites_every_source_it_uses_with_title_and_url(kb: Knowledge) -> None:
    record = make_record(kb, imaging=[targets("2024-01-20", 30, 20), targets("2024-04-20", 40, 20)])
    status = assess_status(record, kb, D(2024, 5, 1))
    # RECIST for the scans; the letrozole label for what to watch for on the running line
    assert [(s.id, s.url) for s in status.sources] == [
        ("recist_1_1", "https://doi.org/10.1016/j.ejca.2008.10.026"),
        ("fda_label_letrozole", kb.sources["fda_label_letrozole"].url),
    ]
