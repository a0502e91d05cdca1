"""A fifth probe of trial reading (session 12): twelve new people (`new_people_s12.py`)
against 61 trials no earlier test used, each trial's deciding criteria read by hand. Chosen
from the kinds earlier probes used little: phase 1 dose-escalation and basket studies,
radiotherapy studies, supportive-care and quality-of-life studies open to most people,
studies for other cancers, a study run in Spanish at one Mexican institute, and seven
completed metastatic breast cancer studies (real HINT/TOP rows, `fixtures/hint_closed_7.jsonl`)
that no one can join any more.

Each label says what a research nurse would answer for one person and one trial:
- "no": she cannot join (the deciding criterion is named beside it): `likely_ineligible`;
- "open": she can join, or only the study team can say: anything but `likely_ineligible`;
- "ask": the deciding criterion is not in her record: `possibly_eligible`.
A person a label leaves out was not clear-cut from the text. The order follows from the
labels: in each person's own match, every "open" or "ask" trial ranks above every "no"
within its section (treatment studies, then the others). Where a bone-only person's only
deciding criterion is measurable disease, she is left out: bone lesions may be measurable,
so that is asked (issue 18).

Before this session's fixes 157 of the 596 first labels were read wrong (149 of the final
588) and 17 of 24 orderings failed; after them 19 of 588, each a strict xfail below, and no
ordering. Four of the 19 were right before for a wrong reason (a misread HER2-negative
exclusion, a registry condition contradicting its title, 'platinum-resistant ovarian' read
into the breast item). Eight
labels were dropped on a second reading as not clear-cut: t04 in five trials where only
measurability decides, t07 and t12 for NCT05269381 (its cohort 2 also takes other solid
tumours by the physician's judgement), t06 for NCT04704661.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nextline.knowledge import Knowledge
from nextline.trials.catalog import load_default_catalog
from nextline.trials.loaders import read_trials
from tests.trials.new_people_s12 import AS_OF, PEOPLE
from tests.trials.probe_harness import (
    check_order,
    label_cases,
    label_params,
    labelled_matches,
    verdict_is_right,
)

_ALL = " ".join(sorted(PEOPLE))
CLOSED = Path(__file__).parent / "fixtures" / "hint_closed_7.jsonl"

# (trial, the deciding criteria in a few words, "label: people; label: people")
LABELS: list[tuple[str, str, str]] = [
    # --- studies no one here can join: early breast cancer, other cancers, young adults ----
    (
        "NCT04985032",
        "partial-breast radiation after lumpectomy, no distant metastases",
        f"no: {_ALL}",
    ),
    ("NCT05059444", "liquid biopsy after curative treatment of early cancer", f"no: {_ALL}"),
    ("NCT05396612", "non-metastatic breast cancer undergoing surgery", f"no: {_ALL}"),
    ("NCT05488145", "early-stage HR+ cancer after (neo)adjuvant treatment", f"no: {_ALL}"),
    ("NCT05504707", "early-stage TNBC before neoadjuvant chemotherapy", f"no: {_ALL}"),
    ("NCT05559164", "stage I-III HER2+ on (neo)adjuvant therapy; stage IV excluded", f"no: {_ALL}"),
    ("NCT05736367", "early-stage HR+/HER2- before surgery", f"no: {_ALL}"),
    ("NCT05910294", "stage 0-III on ovarian suppression", f"no: {_ALL}"),
    (
        "NCT06028022",
        "aromatase inhibitor in the curative setting; metastatic excluded",
        f"no: {_ALL}",
    ),
    (
        "NCT06049355",
        "breast or prostate cancer without metastases, curative radiation",
        f"no: {_ALL}",
    ),
    ("NCT06127979", "stage I-III before surgery; stage IV excluded", f"no: {_ALL}"),
    ("NCT06401889", "stage 0-III starting an aromatase inhibitor", f"no: {_ALL}"),
    ("NCT06248606", "KRAS G12C non-small cell lung cancer with brain metastases", f"no: {_ALL}"),
    ("NCT04693377", "bone metastases of the listed cancers (breast not among them)", f"no: {_ALL}"),
    ("NCT05327686", "renal cell carcinoma", f"no: {_ALL}"),
    ("NCT05863351", "oligometastatic renal cell carcinoma", f"no: {_ALL}"),
    ("NCT04974671", "renal cell carcinoma progressing on immunotherapy", f"no: {_ALL}"),
    ("NCT04511039", "colorectal or gastro-oesophageal adenocarcinoma", f"no: {_ALL}"),
    ("NCT05430009", "non-small cell lung cancer with liver metastases", f"no: {_ALL}"),
    ("NCT05958316", "adolescents and young adults, 15 to 29 years", f"no: {_ALL}"),
    (
        "NCT07225309",
        "stage III-IV cancer receiving care at the Mexican National Cancer Institute",
        f"no: {_ALL}",
    ),
    # --- completed studies: no longer taking anyone --------------------------------------
    ("NCT00063570", "completed (after a taxane, < 3 chemotherapies)", f"no: {_ALL}"),
    ("NCT00076024", "completed (metastatic breast cancer, women)", f"no: {_ALL}"),
    ("NCT00148902", "completed (advanced solid tumours)", f"no: {_ALL}"),
    ("NCT00191347", "completed (up to one prior chemotherapy)", f"no: {_ALL}"),
    ("NCT00426530", "completed (HER2+ after trastuzumab)", f"no: {_ALL}"),
    ("NCT00467012", "completed (HER2-negative, no chemotherapy for metastases)", f"no: {_ALL}"),
    ("NCT00471276", "completed (measurable metastatic breast cancer)", f"no: {_ALL}"),
    # --- registries, imaging and supportive care ------------------------------------------
    (
        "NCT02302742",
        "registry: TNBC within 5 years of diagnosis, and/or a germline HBOC carrier",
        "no: t02 t12; open: t03 t06 t10",
    ),
    (
        "NCT03987555",
        "about to receive paclitaxel; no paclitaxel before",
        "no: t06 t10; open: t03",
    ),
    ("NCT05030038", "starting an aromatase inhibitor; male breast cancer excluded", "no: t05"),
    (
        "NCT05037825",
        "TNBC (or NSCLC, melanoma, RCC) to be treated with a checkpoint inhibitor; no active "
        "brain metastases",
        "no: t01 t02 t04 t05 t07 t08 t09 t10 t11 t12; open: t03",
    ),
    ("NCT05142033", "any cancer diagnosis (molecular profiling)", f"open: {_ALL}"),
    (
        "NCT05313191",
        "re-irradiation; ECOG 0-2; no other invasive cancer in the last 3 years",
        "no: t08 t09",
    ),
    (
        "NCT05385965",
        "stage IV solid tumour with pain; ECOG <= 2",
        "no: t08; open: t02 t03 t04 t05 t06 t07 t09 t11 t12",
    ),
    (
        "NCT06268665",
        "planning weekly paclitaxel; no taxane or platinum before; ECOG 0-1",
        "no: t01 t05 t06 t08 t10; open: t03",
    ),
    (
        "NCT06418204",
        "newly diagnosed, systemic treatment planned, enrolled by the start of cycle 2",
        "no: t01 t02 t04 t05 t06 t08 t09 t10 t11; open: t03 t12",
    ),
    (
        "NCT06551116",
        "HER2 IHC 1+ metastatic breast cancer, about to start T-DXd; HER2+ excluded",
        "no: t01 t02 t03 t04 t05 t07 t08 t10 t11 t12; open: t06 t09",
    ),
    (
        "NCT06828588",
        "HER2+ or HER2-low, about to start HER2-targeted therapy; measurable disease outside "
        "the liver",
        "no: t01 t03 t10; open: t05 t06 t09 t12",
    ),
    (
        "NCT07055854",
        "female breast cancer diagnosed at least 6 months ago",
        "no: t03 t05 t07 t12; open: t01 t02 t04 t06 t08 t09 t10 t11",
    ),
    ("NCT07118176", "breast cancer among the listed cancers (PET imaging)", f"open: {_ALL}"),
    # --- treatment studies for advanced cancer ------------------------------------------
    (
        "NCT02693535",
        "no longer benefiting from standard treatment; ECOG 0-2; measurable disease",
        "no: t03 t07 t08 t12",
    ),
    (
        "NCT03607890",
        "MSI-H after a PD-1/PD-L1 inhibitor; no brain metastases; no HIV or hepatitis B",
        f"no: {_ALL}",
    ),
    (
        "NCT04115254",
        "adaptive MR-guided radiation; ECOG <= 2",
        "no: t08",
    ),
    (
        "NCT04262466",
        "PRAME+ and HLA-A2; ECOG 0-1; no untreated CNS metastases; no active hepatitis B",
        "no: t01 t08 t09 t10",
    ),
    (
        "NCT04572451",
        "progressed on standard therapies; ECOG 0-1; measurable disease; platelets >= 100",
        "no: t01 t03 t07 t08 t10 t11 t12",
    ),
    (
        "NCT04589845",
        "progression on prior treatment (or untreated with none acceptable); measurable; ECOG 0-2",
        "no: t03 t07 t08 t12",
    ),
    (
        "NCT04704661",
        "HER2 IHC 1-3+ after chemotherapy and anti-HER2 therapy; no prior T-DXd; ECOG 0-1 "
        "(t06, HER2-low after chemotherapy, left out: whether she needs anti-HER2 therapy "
        "first is for the study team)",
        "no: t01 t02 t03 t04 t07 t08 t09 t10 t11 t12; open: t05",
    ),
    (
        "NCT04840589",
        "no standard measures left; ECOG <= 1; platelets >= 150",
        f"no: {_ALL}",
    ),
    (
        "NCT04872166",
        "no standard therapy left; measurable disease; no CNS disease, HIV, hepatitis B or "
        "second cancer in the last 3 years",
        "no: t01 t03 t04 t05 t06 t09 t10 t12",
    ),
    (
        "NCT04890613",
        "BRCA1/2, PALB2 or HRD alteration; ECOG <= 2; measurable; platelets >= 100",
        "no: t08 t11",
    ),
    (
        "NCT04956640",
        "KRAS G12C; ECOG 0-1; measurable; no cancer in the last 3 years",
        "no: t01 t04 t08 t09 t10",
    ),
    (
        "NCT05064280",
        "at least one measurable (untreated or growing) brain metastasis; ECOG 0-1",
        "no: t01 t02 t03 t04 t05 t06 t07 t08 t09 t10 t11 t12",
    ),
    (
        "NCT05076760",
        "one of the listed tumours: TNBC after a taxane or anthracycline; ECOG 0-1",
        "no: t01 t02 t03 t04 t05 t07 t08 t09 t10 t11 t12; open: t06",
    ),
    (
        "NCT05269381",
        "cohort 1 after at least one line, or cohort 2 eligible for pembrolizumab (TNBC, or "
        "another solid tumour by the physician's judgement); measurable disease",
        "open: t03",
    ),
    (
        "NCT05985655",
        "one of the listed tumours: HR+/HER2- after a CDK4/6 inhibitor; ECOG 0-1; no other cancer",
        "no: t01 t03 t05 t06 t07 t08 t09 t10 t12; open: t02 t11",
    ),
    (
        "NCT05989828",
        "women with TNBC after 2-3 lines; no brain or leptomeningeal metastases",
        "no: t01 t02 t03 t04 t05 t07 t08 t09 t10 t11 t12; open: t06",
    ),
    (
        "NCT06130254",
        "KRAS G12C; no standard measures left; ECOG 0-1",
        "no: t03 t07 t08 t12",
    ),
    (
        "NCT06260033",
        "ER+ metastatic breast cancer progressing in 1-4 lesions; ECOG <= 2; no "
        "leptomeningeal disease",
        "no: t01 t03 t06 t08 t10 t12",
    ),
    (
        "NCT06745024",
        "high-risk bone metastases in polymetastatic cancer; ECOG 0-2; no leptomeningeal disease",
        "no: t01 t03 t06 t08 t09 t10 t11 t12",
    ),
    (
        "NCT06799065",
        "refractory to or relapsed after all standard therapies (standard options remain)",
        f"no: {_ALL}",
    ),
]

CASES = label_cases(LABELS)
# wrong before this session's fixes, still wrong after them: (person, trial) -> why
_INCAN = (
    "'Receiving ambulatory care at INCan' (the Mexican National Cancer Institute): a study "
    "only for one institute's own patients is not read, and its record lists the sponsor's "
    "country (United States) as its only site, so nothing shows the institute is in Mexico; "
    "asked about (possibly eligible), not ruled out"
)
_HER2_ZERO = (
    "'HER2-negative cancers that have no FDA approved indication for HER2-directed therapy' "
    "is asked, not read (HER2-low is HER2-negative yet has one), and the bracket '(HER2+ or "
    "HER2-low)' of the inclusion is not read, so HER2 0 disease is not ruled out"
)
KNOWN: dict[tuple[str, str], str] = {
    **{(p, "NCT07225309"): _INCAN for p in PEOPLE},
    ("t03", "NCT06828588"): _HER2_ZERO,
    ("t10", "NCT06828588"): _HER2_ZERO,
    ("t07", "NCT06551116"): "'tumor with 1+ level of expression of HER2 by IHC' is not read as "
    "IHC 1+ exactly, so her IHC 2+ is not ruled out",
    ("t07", "NCT04589845"): "a first line still running with no progression recorded is asked "
    "about for 'disease progression on prior treatment' (the session-11 rule), not called "
    "not met",
    ("t07", "NCT05985655"): "'progressed to a prior treatment with Cluster of Differentiation 4 "
    "[CD4] / Cyclin-Dependent Kinase 6 [CDK6] inhibitor' (the record's garbled CDK4/6) is "
    "not read as a CDK4/6 inhibitor",
    ("t06", "NCT05989828"): "the title's 'Relapsed/Refractory' is judged against the options "
    "engine (standard options remain for her), though the criteria define it as relapsed on "
    "2 to 3 lines, which she meets",
    ("t08", "NCT06745024"): "'ECOG 0-2 or Karnofsky >= 60' with ECOG 3 recorded: the Karnofsky "
    "side is unknown, so the criterion is asked rather than failed",
}


@pytest.fixture(scope="module")
def matches(kb: Knowledge) -> dict[str, list[tuple[str, str, bool]]]:
    """Each person's (trial, verdict, is a treatment study) over the labelled trials, best
    first; the seven completed studies come from their fixture, their criteria unread (their
    status alone must rule them out)."""
    wanted = {nct for nct, _, _ in LABELS}
    trials = [t for t in load_default_catalog().trials if t.nct_id in wanted]
    closed = read_trials(CLOSED)
    assert len(trials) + len(closed) == len(wanted)
    return labelled_matches(kb, PEOPLE, trials, AS_OF, unread=closed)


def test_the_probe_is_broad() -> None:
    assert len(PEOPLE) >= 12
    assert len({nct for nct, _, _ in LABELS}) >= 60
    assert len(CASES) >= 400
    assert all(p in PEOPLE for p, _, _, _ in CASES)


@pytest.mark.parametrize(("person", "nct", "label", "why"), label_params(CASES, KNOWN))
def test_a_trial_reads_as_a_nurse_would(
    matches: dict[str, list[tuple[str, str, bool]]], person: str, nct: str, label: str, why: str
) -> None:
    got = {n: v for n, v, _ in matches[person]}[nct]
    assert verdict_is_right(got, label), f"{person} / {nct}: {got}; deciding: {why}"


@pytest.mark.parametrize("person", sorted(PEOPLE))
@pytest.mark.parametrize("treatment", [True, False], ids=["treatment", "other studies"])
def test_trials_she_can_join_rank_above_those_she_cannot(
    matches: dict[str, list[tuple[str, str, bool]]], person: str, treatment: bool
) -> None:
    """Within each section of the list (treatment studies first, then the others)."""
    check_order(matches, CASES, KNOWN, person, treatment)
