"""The three example people, with the expected values worked out by hand from their files
(RECIST 1.1: sums of longest diameters, nodes by short axis; PD at >=20 % and >=5 mm over
the nadir; PR at >=30 % below the baseline)."""

from __future__ import annotations

import datetime as dt

from nextline.assess import Status, assess_status
from nextline.knowledge import Knowledge
from nextline.record import PatientRecord

D = dt.date
Examples = dict[str, PatientRecord]


def status_of(examples: Examples, kb: Knowledge, example: str, day: dt.date) -> Status:
    """The example (its whole file, read as of 2025-06-01) assessed as of `day`: the engine
    reads only what is dated on or before `day`."""
    return assess_status(examples[example], kb, day)


def test_hr_positive_line_1_is_partial_response_then_progression(
    kb: Knowledge, examples: Examples
) -> None:
    status = status_of(examples, kb, "hr-positive-esr1", D(2024, 3, 27))
    line = status.recist[0]
    # Baseline 2021-05-20: liver-1 32 + liver-2 18 + node-1 16 (short axis) = 66 mm.
    assert (line.line, line.baseline_date, line.baseline_sum_mm) == (1, D(2021, 5, 20), 66.0)
    points = {p.date: p for p in line.timepoints}
    # 2021-09-15: 20 + 11 + 9 = 40 mm, (40 - 66) / 66 = -39.4 %: at least 30 % smaller, PR.
    pr = points[D(2021, 9, 15)]
    assert (pr.sum_mm, pr.change_from_baseline_pct, pr.overall) == (40.0, -39.4, "PR")
    # Nadir 2022-12-10: 17 + 9 + 8 = 34 mm. 2024-03-25: 24 + 14 + 9 = 47 mm,
    # (47 - 34) / 34 = +38.2 % and +13 mm over the nadir, and a new lesion liver-3: PD.
    pd = points[D(2024, 3, 25)]
    assert (pd.sum_mm, pd.nadir_mm, pd.change_from_nadir_pct) == (47.0, 34.0, 38.2)
    assert (pd.overall, pd.rules, pd.new_lesions) == (
        "PD",
        ("recist_pd_target_sum", "recist_pd_new_lesion"),
        ("liver-3",),
    )
    assert line.best_overall == "PR"
    assert (status.overall, status.current_line and status.current_line.number) == (
        "not_working",
        1,
    )


def test_hr_positive_after_line_1_stopped_has_no_current_treatment(
    kb: Knowledge, examples: Examples
) -> None:
    status = status_of(examples, kb, "hr-positive-esr1", D(2024, 4, 1))
    assert (status.overall, status.current_line) == ("no_current_treatment", None)
    assert status.last_line is not None
    assert (status.last_line.number, status.last_line.stop, status.last_line.stop_reason) == (
        1,
        D(2024, 3, 28),
        "progression",
    )
    assert status.headline == (
        "No treatment is recorded as running now. The last one, letrozole + palbociclib "
        "(line 1), stopped on 2024-03-28 because the cancer grew. That treatment stopped "
        "working: the scan on 2024-03-25 showed growth (RECIST PD). This is the time to talk "
        "with your team about what comes next."
    )
    # The CA 15-3 rise is shown but not counted: the knowledge base holds no sourced size of
    # a meaningful marker rise yet (assess_thresholds.yaml, markers.meaningful_rise_pct).
    assert [e.kind for e in status.evidence if e.points_to == "not_working"] == [
        "recist",
        "line_stop",
    ]
    assert [m.trend for m in status.markers] == ["slightly_rising"]


def test_her2_positive_t_dxd_line_baseline_and_progression(
    kb: Knowledge, examples: Examples
) -> None:
    status = status_of(examples, kb, "her2-positive-brain", D(2025, 2, 20))
    first, t_dxd = status.recist
    # Line 1 ends in PD on 2023-11-10: the brain MRI on 2023-11-08 is read with the CT two
    # days later, and its two brain lesions are new.
    assert (first.timepoints[-1].date, first.timepoints[-1].overall) == (D(2023, 11, 10), "PD")
    # T-DXd (line 2) starts 2023-12-11: baseline is the 2023-11-10 assessment,
    # liver-1 22 + lung-1 10 = 32 mm, with brain-1 and brain-2 as its non-targets.
    assert (t_dxd.line, t_dxd.baseline_date, t_dxd.baseline_sum_mm) == (2, D(2023, 11, 10), 32.0)
    assert t_dxd.non_targets == ("brain-1", "brain-2")
    # Nadir 2024-09-05: 12 + 7 = 19 mm. 2025-02-18: 19 + 9 = 28 mm, +47.4 %, +9 mm: PD.
    last = t_dxd.timepoints[-1]
    assert (last.date, last.sum_mm, last.nadir_mm, last.change_from_nadir_pct) == (
        D(2025, 2, 18),
        28.0,
        19.0,
        47.4,
    )
    assert (last.overall, last.rule) == ("PD", "recist_pd_target_sum")
    assert [p.overall for p in t_dxd.timepoints] == ["SD", "PR", "PD"]
    assert (status.overall, status.latest_scan) == ("not_working", D(2025, 2, 18))
    # T-DXd label: delay for ANC under 1.0 or platelets under 50 (x 10^9/L); 2.4 and 95 pass.
    counts = status.blood_counts
    assert (counts.ready_for_chemo, counts.below_threshold, counts.date) == (
        True,
        (),
        D(2025, 2, 10),
    )
    assert [(v.test, v.min, v.threshold_from) for v in counts.values] == [
        ("anc", 1.0, "trastuzumab_deruxtecan"),
        ("platelets", 50.0, "trastuzumab_deruxtecan"),
        ("hemoglobin", None, None),
    ]


def test_triple_negative_fever_is_possible_febrile_neutropenia(
    kb: Knowledge, examples: Examples
) -> None:
    status = status_of(examples, kb, "triple-negative-brca", D(2024, 8, 20))
    # 38.4 °C on 2024-08-20 >= 38.0 °C, and ANC 900 cells/mm3 = 0.9 x 10^9/L on 2024-08-12
    # is under 1.0 x 10^9/L (CTCAE grade 3). Olaparib is not chemotherapy: the low ANC makes it.
    kinds = [(f.kind, f.date, f.urgency) for f in status.red_flags]
    assert kinds == [("possible_febrile_neutropenia", D(2024, 8, 20), "emergency")]
    flag = status.red_flags[0]
    assert flag.because == ("a temperature of 38.4 °C", "ANC 0.9 10^9/L on 2024-08-12 (low)")
    assert flag.paths == ("symptoms[1].temperature_c", "labs[0]")
    assert status.evidence[0].kind == "red_flag"


def test_triple_negative_platelets_are_below_the_chemotherapy_threshold(
    kb: Knowledge, examples: Examples
) -> None:
    status = status_of(examples, kb, "triple-negative-brca", D(2024, 8, 20))
    counts = status.blood_counts
    # Platelets 88 x 10^9/L < 100 (paclitaxel label); ANC 0.9 < 1.5 (docetaxel, paclitaxel).
    # The last line (olaparib) is not chemotherapy, so readiness is not judged.
    assert (counts.below_threshold, counts.ready_for_chemo, counts.chemo_drugs) == (
        ("ANC", "platelets"),
        None,
        (),
    )
    platelets = next(v for v in counts.values if v.test == "platelets")
    assert (platelets.value, platelets.min, platelets.path) == (88.0, 100.0, "labs[1]")


def test_triple_negative_olaparib_line_is_stable_then_progression(
    kb: Knowledge, examples: Examples
) -> None:
    status = status_of(examples, kb, "triple-negative-brca", D(2024, 8, 20))
    olaparib = status.recist[1]
    # Baseline 2024-01-03: 18 + 9 + 15 = 42 mm; 2024-04-15: 43 mm (SD);
    # 2024-08-14: 25 + 13 + 19 = 57 mm, +35.7 % and +15 mm, with new pleura-1: PD.
    assert [(p.sum_mm, p.overall) for p in olaparib.timepoints] == [(43.0, "SD"), (57.0, "PD")]
    assert (status.overall, status.current_line) == ("no_current_treatment", None)


def test_examples_have_no_red_flags_months_later(kb: Knowledge, examples: Examples) -> None:
    for example in ("hr-positive-esr1", "her2-positive-brain", "triple-negative-brca"):
        assert status_of(examples, kb, example, D(2025, 6, 1)).red_flags == ()
