"""One small evaluator per rule type of `nextline.knowledge.options_schema`.

Each evaluator answers met / unmet / unknown with a plain reason and the record entry it
rests on; "unknown" always says what would settle it (`needs`). A missing test is a question
for the care team, never a silent no. Pure functions of `Facts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from nextline.facts.stopped import months_between
from nextline.knowledge.options_schema import (
    AlterationDetected,
    AnyOf,
    BrainLesionsAtMost,
    CurrentTreatmentWorking,
    DiseaseUnderControl,
    GermlinePathogenic,
    Her2CategoryIn,
    HospiceTimely,
    HrStatus,
    LabsWithinUln,
    MenopausalStatusIn,
    MenopausalStatusOrOvarianSuppression,
    MinPriorLines,
    NotPd1Candidate,
    NotProgressedOnClass,
    NotProgressedOnDrug,
    NotReceived,
    NoVisceralCrisis,
    PdL1CpsAtLeast,
    PriorClassReceived,
    RelapseWithinMonthsOfAdjuvant,
    Rule,
    SexIs,
    SitePresent,
    SymptomAtLeast,
    TumorBiomarkerHigh,
)
from nextline.options._facts import Facts, GeneResult, Given

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"

HER2_WORDS = {
    "positive": "HER2-positive",
    "low": "HER2-low",
    "ultralow": "HER2-ultralow",
    "zero": "HER2-zero",
    "zero_or_ultralow": "HER2 IHC 0 (zero or ultralow not stated)",
    "negative_unspecified": "HER2-negative (no IHC score)",
    "equivocal": "HER2 equivocal",
    "not_tested": "HER2 not tested",
}


class Check(NamedTuple):
    """The answer of one rule: status, a plain reason, the record entry, what would settle it.
    (A named tuple: immutable and quick to build; the engine builds many.)"""

    status: str
    text: str
    path: str | None = None
    needs: str | None = None


def _names(given: Iterable[Given]) -> str:
    seen: dict[str, None] = {}
    for g in given:
        for name in g.names:
            seen.setdefault(name, None)
    return ", ".join(seen)


def _paths(given: Iterable[Given]) -> str:
    return ", ".join(g.path for g in given)


def _matching_names(
    given: Iterable[Given], drugs: Sequence[str], classes: Sequence[str], families: Sequence[str]
) -> str:
    """The generic names, among the drugs given, that match the drugs/classes/families."""
    names: dict[str, None] = {}
    for g in given:
        for name, ids, cls, fam in g.items:
            if (
                (drugs and ids.intersection(drugs))
                or (classes and cls.intersection(classes))
                or (families and fam.intersection(families))
            ):
                names.setdefault(name, None)
    return ", ".join(names)


def _matches(
    g: Given, drugs: Sequence[str], classes: Sequence[str], families: Sequence[str]
) -> bool:
    return bool(
        (drugs and g.drugs.intersection(drugs))
        or (classes and g.classes.intersection(classes))
        or (families and g.families.intersection(families))
    )


def _never_given(
    f: Facts, drugs: Sequence[str], classes: Sequence[str], families: Sequence[str]
) -> bool:
    """True when nothing ever given matches: the common case, answered by three set looks
    instead of a walk over the whole treatment history."""
    return (
        f.given_drugs.isdisjoint(drugs)
        and f.given_classes.isdisjoint(classes)
        and f.given_families.isdisjoint(families)
    )


_NOT_GIVEN_BEFORE = Check(MET, "not given before")  # immutable, so one shared answer
_HistoryRule = (
    PriorClassReceived
    | NotReceived
    | NotProgressedOnDrug
    | NotProgressedOnClass
    | RelapseWithinMonthsOfAdjuvant
)


def _nothing_given(rule: _HistoryRule) -> Check:
    """The answer of a rule about past treatment when none of what it asks about was given."""
    if isinstance(rule, NotProgressedOnDrug):
        return _NOT_GIVEN_BEFORE
    if isinstance(rule, NotProgressedOnClass):
        return Check(MET, f"has not grown on {rule.label} before")
    if isinstance(rule, NotReceived):
        return Check(MET, f"no {rule.label} yet")
    return Check(UNMET, f"no record of {rule.label}")


class NeverGiven(NamedTuple):
    """A rule about past treatment, worked out once per knowledge base: what it asks about,
    and its answer for a person who never had any of that. Most people never had most of
    the drugs the rules name, so the engine answers those rules with three set looks
    instead of a call that walks the treatment history."""

    drugs: frozenset[str]
    classes: frozenset[str]
    families: frozenset[str]
    answer: Check


def never_given(rule: Rule) -> NeverGiven | None:
    """The shortcut for a rule about past treatment; None for every other rule."""
    drugs: Sequence[str] = ()
    classes: Sequence[str] = ()
    families: Sequence[str] = ()
    if isinstance(rule, PriorClassReceived | NotReceived):
        drugs, classes, families = rule.drugs, rule.classes, rule.families
    elif isinstance(rule, NotProgressedOnDrug):
        drugs = rule.drugs
    elif isinstance(rule, NotProgressedOnClass):
        classes = rule.classes
    elif isinstance(rule, RelapseWithinMonthsOfAdjuvant):
        classes, families = rule.classes, rule.families
    else:
        return None
    answer = _nothing_given(rule)
    return NeverGiven(frozenset(drugs), frozenset(classes), frozenset(families), answer)


def _given_in(
    f: Facts,
    settings: Sequence[str],
    drugs: Sequence[str],
    classes: Sequence[str],
    families: Sequence[str],
) -> list[Given]:
    """The treatments given in one of `settings` that match (as `_matches`, written out in
    one comprehension because several rules run it for every person)."""
    return [
        g
        for g in f.given
        if g.setting in settings
        and (
            (drugs and not g.drugs.isdisjoint(drugs))
            or (classes and not g.classes.isdisjoint(classes))
            or (families and not g.families.isdisjoint(families))
        )
    ]


_CONFIRM = "if your team confirms it has stopped working"
# An option for after a treatment that is still working (`Facts.working`): for later.
LATER = "for later, if your current treatment stops working"
LATER_NEEDS = "your current treatment to stop working first: while it works, it carries on"


def _plus(given: Iterable[Given]) -> str:
    """The drugs of the given treatments as a regimen is named: 'letrozole + palbociclib'."""
    return _names(given).replace(", ", " + ")


def later(working: Iterable[Given]) -> Check:
    """The answer for an option that is for after the running treatment, which has not
    stopped working: not now, and not ruled out."""
    given = list(working)
    state = "is paused for a planned break" if given[0].stop_reason == "break" else "is running"
    return Check(
        UNKNOWN,
        f"{LATER} ({_plus(given)} {state} and has not stopped working)",
        _paths(given),
        LATER_NEEDS,
    )


def current_treatment_working(rule: CurrentTreatmentWorking, f: Facts) -> Check:
    """Carry on with the running treatment while it works (as `assess_status` sees it: no
    recorded growth, no growth on its scans)."""
    if f.working:
        if any(g.stop_reason == "break" for g in f.working):
            return Check(
                MET,
                f"{_plus(f.working)} is paused for a planned break and has not stopped "
                "working: starting it again when the break ends is the usual step",
                _paths(f.working),
            )
        return Check(
            MET,
            f"{_plus(f.working)} is running and has not stopped working: while it works, "
            "it carries on",
            _paths(f.working),
        )
    if f.probably_stopped:
        team_lines = [g for g in f.probably_stopped if by_team([g])]
        if team_lines and f.visceral_crisis_path is not None:
            # the crisis was recorded while this treatment ran: no carrying on (ABC: the
            # fastest-acting treatment, usually chemotherapy)
            return Check(
                UNMET,
                f"a visceral crisis is on record since {_plus(team_lines)} began: guidelines "
                "call for a change to the fastest-acting treatment, usually chemotherapy",
                f.visceral_crisis_path,
            )
        return Check(
            UNKNOWN,
            f"{_suggest(f.probably_stopped)} {_plus(f.probably_stopped)} has stopped working",
            _paths(f.probably_stopped),
            f"{_reading(f.probably_stopped)}: go on with it or change",
        )
    return Check(UNMET, "no treatment for metastatic disease is running now")


def disease_under_control(rule: DiseaseUnderControl, f: Facts) -> Check:
    """A planned break pauses a treatment that keeps the cancer under control (ESMO ABC):
    not when the cancer grows on it, not in a visceral crisis, not with nothing running.
    The words name no drug (the current-treatment option does), so the answer is the same
    for everyone in the same state and the engine keeps it once."""
    if f.visceral_crisis_path is not None:
        return Check(
            UNMET,
            "a visceral crisis is on record: this is a time for the fastest-acting treatment, "
            "not a pause",
            f.visceral_crisis_path,
        )
    if f.working:
        return Check(
            MET,
            "the treatment you are on has not stopped working: a break pauses a treatment "
            "while the cancer is under control",
        )
    if f.probably_stopped:
        text = (
            "the cancer may be growing on the treatment you are on: a break is for a cancer "
            "under control"
        )
    else:
        text = (
            "no treatment for metastatic disease is running now: a break pauses a treatment "
            "that keeps the cancer under control"
        )
    if "treatment_break" in f.considering:
        # the person's own wish: a question to weigh with the team, not a flat "no"
        return Check(
            UNKNOWN,
            text,
            None,
            "your team's view of a pause now, while the cancer is not under control",
        )
    return Check(UNMET, text)


_THINKING_OF_HOSPICE = ("hospice", "stopping_treatment")


def hospice_timely(rule: HospiceTimely, f: Facts) -> Check:
    """Hospice at the right moment (NCI: care when treatment aimed at the cancer no longer
    helps or is no longer wanted): the person's own wish opens it at any time; so does
    ECOG 3-4, or treatment given with nothing running that works. While a treatment works,
    or before any treatment for metastatic disease, it is too early to offer it."""
    considering = [c for c in f.considering if c in _THINKING_OF_HOSPICE]
    if considering:
        said = " and ".join(c.replace("_", " ") for c in considering)
        return Check(MET, f"you said you are thinking about {said}", "goals.considering")
    if f.ecog is not None and f.ecog[0] >= 3:
        return Check(
            MET,
            f"ECOG {f.ecog[0]}: resting in bed or a chair much of the day",
            f.ecog[1],
        )
    if f.working:
        return Check(
            UNMET,
            "the treatment you are on has not stopped working: hospice is for when treatment "
            "aimed at the cancer no longer helps or is no longer wanted (palliative care can "
            "help now, and you can ask about hospice at any time)",
        )
    if f.metastatic_lines == 0:
        return Check(
            UNMET,
            "no treatment for the spread cancer has been tried yet: hospice is for when "
            "treatment aimed at the cancer no longer helps or is no longer wanted (you can "
            "ask about it at any time)",
        )
    return Check(MET, "no treatment running now is keeping the cancer under control")


def labs_within_uln(rule: LabsWithinUln, f: Facts) -> Check:
    """A label's lab limits (liver tests for ixabepilone with capecitabine): the newest
    result of each test, where it is given against its upper limit of normal."""
    newest = {test: (multiple, path) for test, multiple, path in f.uln}
    for limit in rule.limits:
        found = newest.get(limit.test)
        if found is not None and found[0] > limit.multiple:
            return Check(
                UNMET,
                f"your latest {limit.test.upper() if len(limit.test) <= 3 else limit.test} "
                f"is {found[0]:g} times the upper limit of normal: {rule.label}",
                found[1],
            )
    return Check(MET, f"no result on record above the label's limits ({rule.label})")


def by_team(given: Iterable[Given]) -> bool:
    """Whether the care team's own latest assessment (not the scans read by nextline) is
    what says each of these running treatments has probably stopped working."""
    return all(g.stopped is not None and g.stopped.how == "team" for g in given)


def _suggest(given: Iterable[Given]) -> str:
    """Who says a running treatment has probably stopped working: the scans (RECIST, read by
    nextline) or the care team's own latest assessment in the record."""
    if by_team(given):
        return "your care team's latest assessment says"
    return "the latest scans suggest"


def _reading(given: Iterable[Given]) -> str:
    if by_team(given):
        return "your team's decision after their latest assessment"
    return "your team's reading of the latest scans"


def _confirm_needs(given: list[Given]) -> str:
    which = "their latest assessment" if by_team(given) else "the latest scans"
    return f"your team to confirm that {_names(given)} has stopped working ({which})"


def _switched_for_side_effects(f: Facts) -> frozenset[str]:
    """Paths of entries that belong to a switch for side effects, not a new line: stopped for
    side effects, or in a metastatic line where something was stopped for side effects and
    nothing stopped working (a partner drug carried on or was swapped)."""
    if not f.stopped_for_side_effects:
        return frozenset()
    lines = {g.line for g in f.stopped_for_side_effects if g.line is not None}
    grown = {g.line for g in f.given if g.line is not None and g.stopped is not None}
    keep = lines - grown
    return frozenset(
        g.path
        for g in f.given
        if (g.stop_reason == "toxicity" and g.stopped is None)
        or (g.line is not None and g.line in keep and g.stopped is None)
    )


def _article(word: str) -> str:
    """'an' before a gene name read letter by letter from a vowel sound (ESR1, AKT1)."""
    return "an" if word[:1].upper() in "AEIOU" else "a"


def hr_status(rule: HrStatus, f: Facts) -> Check:
    if f.hr == "unknown":
        return Check(UNKNOWN, "ER and PR status not on record", None, "ER and PR test results")
    if f.er_low_path is not None:
        low = (
            f"{f.hr_text}: ER-low (1-10 % of cells) cancers often behave like ER-negative "
            "ones (ASCO/CAP)"
        )
        if rule.status == "positive":
            return Check(MET, low, f.er_low_path)
        return Check(
            UNKNOWN,
            f"{low}, so treatments for triple-negative cancer may fit",
            f.er_low_path,
            "your team's view on treating your ER-low cancer like a triple-negative one",
        )
    if f.hr == rule.status:
        return Check(MET, f.hr_text, f.hr_path)
    return Check(UNMET, f"{f.hr_text}: this needs HR-{rule.status}", f.hr_path)


def her2_category_in(rule: Her2CategoryIn, f: Facts) -> Check:
    category, wanted = f.her2, set(rule.categories)
    word = HER2_WORDS[category]
    if category in wanted:
        return Check(MET, word, f.her2_path)
    if category == "not_tested":
        return Check(UNKNOWN, word, None, "a HER2 test result")
    if category == "equivocal":
        return Check(UNKNOWN, word, f.her2_path, "a HER2 ISH (gene) test to settle the result")
    if category == "zero_or_ultralow":
        if {"zero", "ultralow"} <= wanted:
            return Check(MET, word, f.her2_path)
        if wanted & {"zero", "ultralow"}:
            return Check(
                UNKNOWN,
                word,
                f.her2_path,
                "a pathologist's look for faint HER2 staining (HER2-ultralow or HER2-zero)",
            )
    if category == "negative_unspecified":
        if {"low", "ultralow", "zero"} <= wanted:
            return Check(MET, word, f.her2_path)
        if wanted & {"low", "ultralow", "zero"}:
            return Check(UNKNOWN, word, f.her2_path, "the HER2 IHC score (0, 1+ or 2+)")
    return Check(UNMET, f"{word}: this needs {rule.label}", f.her2_path)


_MARKER_WORDS = {
    "msi_high": "MSI-high",
    "mmr_deficient": "mismatch repair deficient (dMMR)",
    "tmb_high": "a high tumor mutational burden",
}


def tumor_biomarker_high(rule: TumorBiomarkerHigh, f: Facts) -> Check:
    """The newest tumor test that reports any of the markers decides."""
    wanted = set(rule.markers)
    tested: list[str] = []
    for index, day, msi, mmr, tmb in f.markers:
        path = f"tumor_tests[{index}]"
        found = []
        if "msi_high" in wanted and msi is not None:
            tested.append(path)
            if msi == "high":
                found.append("msi_high")
        if "mmr_deficient" in wanted and mmr is not None:
            tested.append(path)
            if mmr == "deficient":
                found.append("mmr_deficient")
        if "tmb_high" in wanted and tmb is not None:
            tested.append(path)
            if tmb >= rule.tmb_min:
                found.append("tmb_high")
        if found:
            return Check(MET, f"{_MARKER_WORDS[found[0]]} on {day}", path)
    names = " or ".join(_MARKER_WORDS[m] for m in rule.markers)
    if tested:
        return Check(UNMET, f"the tumor test does not show {names}", tested[-1])
    return Check(
        UNKNOWN,
        f"no tumor test for {names} on record",
        None,
        "a tumor test for MSI/MMR and tumor mutational burden (next-generation sequencing)",
    )


def alteration_detected(rule: AlterationDetected, f: Facts) -> Check:
    unclear: list[GeneResult] = []
    words = [w.lower() for w in rule.alteration_words]
    for gene in rule.genes:
        found = [r for r in f.gene_results(gene) if r.detected]
        if found and words:
            typed = [r for r in found if any(w in (r.alteration or "").lower() for w in words)]
            unclear.extend(r for r in found if r not in typed)
            found = typed
        if found:
            hit = found[-1]
            what = f"{gene} {hit.alteration}" if hit.alteration else f"{gene} change"
            return Check(MET, f"{what} found", hit.path)
    if unclear:
        hit = unclear[-1]
        kinds = " or ".join(rule.alteration_words)
        return Check(
            UNKNOWN,
            f"a {'/'.join(rule.genes)} change ({hit.alteration or 'kind not stated'}) found; "
            f"this needs a {kinds}",
            hit.path,
            f"whether the change is a {kinds} (ask the lab or your team)",
        )
    untested: list[str] = []
    stale: list[str] = []
    blood_only: list[str] = []
    negative_paths: list[str] = []
    for gene in rule.genes:
        results = f.gene_results(gene)
        negatives = [r for r in results if not r.detected]
        if not negatives:
            untested.append(gene)
            continue
        latest = negatives[-1]
        if (
            rule.since_last_progression
            and f.last_progression is not None
            and latest.date < f.last_progression
        ):
            stale.append(gene)
        elif rule.blood_negative == "ask_tissue" and all(r.blood for r in negatives):
            blood_only.append(gene)
        negative_paths.append(latest.path)
    if blood_only and not (untested or stale):
        genes = "/".join(blood_only)
        return Check(
            UNKNOWN,
            f"{genes}: not found in a blood test; blood tests can miss these changes",
            negative_paths[-1],
            f"a test of tumor tissue (a biopsy) for {genes}",
        )
    if untested or stale:
        genes = "/".join(untested + stale)
        when = " taken since the last progression" if stale or rule.since_last_progression else ""
        return Check(
            UNKNOWN,
            f"{genes}: no result{' since the last progression' if stale else ''} on record",
            negative_paths[-1] if negative_paths else None,
            f"{_article(genes)} {genes} test on {rule.sample}{when}",
        )
    return Check(
        UNMET,
        f"{', '.join(rule.genes)}: no change found",
        ", ".join(dict.fromkeys(negative_paths)),
    )


def germline_pathogenic(rule: GermlinePathogenic, f: Facts) -> Check:
    for gene in rule.genes:
        for result in f.gene_results(gene):
            if result.detected and result.germline:
                return Check(MET, f"inherited {gene} change", result.path)
    tested = [f.germline_tested[g.upper()] for g in rule.genes if g.upper() in f.germline_tested]
    genes = " or ".join(rule.genes)
    if len(tested) == len(rule.genes):
        return Check(UNMET, f"no inherited {genes} change found", tested[-1])
    return Check(
        UNKNOWN,
        f"inherited {genes} testing not on record",
        None,
        f"inherited (germline) testing of {', '.join(rule.genes)}",
    )


def pdl1_cps_at_least(rule: PdL1CpsAtLeast, f: Facts) -> Check:
    if f.pdl1_cps is None:
        return Check(UNKNOWN, "no PD-L1 result on record", None, "a PD-L1 test (22C3, CPS)")
    text = f"PD-L1 CPS {f.pdl1_cps:g}"
    if f.pdl1_cps >= rule.value:
        return Check(MET, text, f.pdl1_path)
    return Check(UNMET, f"{text}: this needs CPS {rule.value:g} or more", f.pdl1_path)


def menopausal_status_or_ovarian_suppression(
    rule: MenopausalStatusOrOvarianSuppression, f: Facts
) -> Check:
    if f.sex == "male":
        if rule.men == "with_gnrh_agonist":
            if f.suppression_path is not None:
                return Check(MET, "a man with a GnRH agonist on record", f.suppression_path)
            return Check(
                UNKNOWN,
                "a man: an aromatase inhibitor is given to men with a GnRH agonist "
                "(such as leuprolide or goserelin)",
                "patient.sex",
                "a GnRH agonist alongside the aromatase inhibitor (ASCO, male breast cancer)",
            )
        if rule.men:
            return Check(MET, "a man: covered", "patient.sex")
        return Check(UNMET, "a man: this is for women", "patient.sex")
    if f.menopausal == "postmenopausal":
        if f.periods_may_return is not None:
            age, chemo = f.periods_may_return
            return Check(
                UNKNOWN,
                f"recorded as after menopause at {age}, after chemotherapy: periods that stop "
                "with chemotherapy can come back, so this is not yet sure",
                chemo,
                "your team to confirm menopause (under 50, periods stopped by chemotherapy "
                "count as before menopause unless the ovaries are removed or suppressed)",
            )
        return Check(MET, "after menopause", "patient.menopausal_status")
    if f.menopausal in (None, "unknown"):
        return Check(
            UNKNOWN,
            "menopausal status not on record",
            "patient.menopausal_status",
            "needs your menopausal status (before, around or after menopause)",
        )
    if rule.premenopausal == "excluded":
        if f.suppression_path is not None:
            return Check(
                UNKNOWN,
                f"{f.menopausal} with ovarian suppression: this was studied after menopause",
                f.suppression_path,
                "your team's view on using it with ovarian suppression",
            )
        return Check(
            UNMET,
            f"{f.menopausal}: this is for women after menopause",
            "patient.menopausal_status",
        )
    if f.suppression_path is not None:
        return Check(MET, "ovarian suppression on record", f.suppression_path)
    # Suppression is started together with the treatment (as for men with a GnRH agonist):
    # not yet on record is a question for the team, never a reason it cannot fit.
    return Check(
        UNKNOWN,
        f"{f.menopausal}: this is given with ovarian suppression "
        "(a GnRH agonist such as goserelin, or removal of the ovaries)",
        "patient.menopausal_status",
        "ovarian suppression started with it (a GnRH agonist such as goserelin or leuprolide)",
    )


def menopausal_status_in(rule: MenopausalStatusIn, f: Facts) -> Check:
    if f.sex == "female" and f.menopausal in rule.statuses:
        return Check(MET, f.menopausal, "patient.menopausal_status")
    if f.sex == "female" and f.menopausal in (None, "unknown"):
        return Check(
            UNKNOWN,
            "menopausal status not on record",
            "patient.menopausal_status",
            "needs your menopausal status (before, around or after menopause)",
        )
    return Check(
        UNMET,
        f"{f.menopausal or f.sex}: this is for {' or '.join(rule.statuses)} women",
        "patient.menopausal_status",
    )


def sex(rule: SexIs, f: Facts) -> Check:
    if f.sex in rule.sexes:
        return Check(MET, f.sex, "patient.sex")
    return Check(UNMET, f"{f.sex}: this is for {' or '.join(rule.sexes)} patients", "patient.sex")


def no_visceral_crisis(rule: NoVisceralCrisis, f: Facts) -> Check:
    if f.visceral_crisis_path is None:
        return Check(MET, "no visceral crisis on record")
    text = (
        "a visceral crisis is on record (an organ such as the liver or lungs struggling): "
        "guidelines call for the fastest-acting treatment, usually chemotherapy"
    )
    if rule.when_crisis == "unmet":
        return Check(UNMET, text, f.visceral_crisis_path)
    return Check(
        UNKNOWN,
        text,
        f.visceral_crisis_path,
        "your team's view: with a visceral crisis, is this fast enough?",
    )


def not_pd1_candidate(rule: NotPd1Candidate, f: Facts) -> Check:
    words = [w.lower() for w in rule.words]
    for index, name in f.comorbidities:
        padded = f" {name} "
        if any(f" {w} " in padded for w in words):
            return Check(
                MET,
                f"{name}: immunotherapy (PD-1/PD-L1) may not be safe",
                f"comorbidities[{index}]",
            )
    for g in f.given:
        if g.progressed and "pd1_inhibitor" in g.classes:
            name = next((i[0] for i in g.items if "pd1_inhibitor" in i[2]), "a PD-1 inhibitor")
            return Check(
                MET,
                f"the cancer grew on {name} (or came back soon after it): immunotherapy "
                "(PD-1/PD-L1) is not an option now",
                g.path,
            )
    if f.pdl1_cps is None:
        return Check(
            UNKNOWN,
            "no PD-L1 result on record",
            None,
            "a PD-L1 test (22C3, CPS): this is for people who cannot have immunotherapy",
        )
    if f.pdl1_cps < 10:
        return Check(
            MET, f"PD-L1 CPS {f.pdl1_cps:g}: immunotherapy is not for you now", f.pdl1_path
        )
    return Check(
        UNMET,
        f"PD-L1 CPS {f.pdl1_cps:g}: immunotherapy with chemotherapy is an option; this is for "
        "people who cannot have it",
        f.pdl1_path,
    )


def _count(given: list[Given]) -> int:
    """Regimens, not drugs or entries: a metastatic line is one regimen however many entries
    it took (a partner added, a drug dropped); all treatment before or after surgery is one
    regimen too (neoadjuvant trastuzumab + pertuzumab continued after surgery); labels count
    "prior anti-HER2 regimens"."""
    keys = {
        ("line", g.line)
        if g.line is not None
        else ("early", 0)
        if g.setting in ("adjuvant", "neoadjuvant")
        else ("entry", g.entry)
        for g in given
    }
    # a drug carried on into a later line (trastuzumab with a new partner after growth) is
    # part of that line's regimen as well
    keys.update(("line", n) for g in given for n in g.later_lines)
    return len(keys)


def _growing_on_scans(given: Iterable[Given]) -> list[Given]:
    """The running treatments that the latest scans suggest have stopped working (not yet
    confirmed by a recorded stop)."""
    return [g for g in given if g.stopped is not None and not g.stopped.confirmed]


def _fits_once_confirmed(rule: PriorClassReceived, growing: list[Given]) -> Check:
    """Unknown until the team confirms that treatments the scans show growing on have
    stopped working (the rule needs them received, or grown on)."""
    names = _matching_names(growing, rule.drugs, rule.classes, rule.families)
    return Check(
        UNKNOWN,
        f"{_suggest(growing)} {names} has stopped working: this fits {_CONFIRM}",
        _paths(growing),
        _confirm_needs(growing),
    )


def prior_class_received(rule: PriorClassReceived, f: Facts) -> Check:
    if _never_given(f, rule.drugs, rule.classes, rule.families):
        return _nothing_given(rule)
    matching = _given_in(f, rule.settings, rule.drugs, rule.classes, rule.families)
    hits = [g for g in matching if g.progressed] if rule.progressed else matching
    if rule.progressed and _count(hits) < rule.min_count:
        probable = _growing_on_scans(matching)
        if probable and _count(hits + probable) >= rule.min_count:
            return _fits_once_confirmed(rule, probable)
    if _count(hits) >= rule.min_count:
        growing = _growing_on_scans(hits)
        if growing and _count([g for g in hits if g not in growing]) < rule.min_count:
            # "after" a treatment that is still running: it counts only once it has stopped
            # working, which the scans suggest and the team has not yet confirmed
            return _fits_once_confirmed(rule, growing)
        names = _matching_names(hits, rule.drugs, rule.classes, rule.families)
        where = hits[0].where()
        where = f" {where}" if where else ""
        stopped = ", which stopped working" if rule.progressed else ""
        return Check(MET, f"had {names}{where}{stopped}", _paths(hits))
    if matching and rule.progressed:
        waiting = [g for g in matching if g.running]
        if waiting and _count(hits + waiting) >= rule.min_count:
            # it needs the running treatment to have stopped working, and it still works
            # (said of the whole running treatment, as the engine says it of every option)
            return later(f.working)
        names = _matching_names(matching, rule.drugs, rule.classes, rule.families)
        return Check(
            UNMET,
            f"had {names}, but it has not stopped working; this needs {rule.label}",
            _paths(matching),
        )
    if hits:
        names = _matching_names(hits, rule.drugs, rule.classes, rule.families)
        return Check(UNMET, f"had {names}; this needs {rule.label}", _paths(hits))
    return _nothing_given(rule)


def not_received(rule: NotReceived, f: Facts) -> Check:
    if _never_given(f, rule.drugs, rule.classes, rule.families):
        return _nothing_given(rule)
    hits = _given_in(f, rule.settings, rule.drugs, rule.classes, rule.families)
    switched = _switched_for_side_effects(f)
    paused = [g for g in hits if g.running and g.stop_reason == "break"]
    kept = [g for g in hits if g.path not in switched and g not in paused]
    if paused and not kept:
        return Check(
            MET,
            f"had {_plus(paused)}, paused for a planned break while it was working: starting "
            "it again is the same line, not a new one",
            _paths(paused),
        )
    if kept:
        names = _matching_names(kept, rule.drugs, rule.classes, rule.families)
        return Check(
            UNMET, f"already had {names}: this is for people with no {rule.label} yet", _paths(kept)
        )
    if hits:
        names = _matching_names(hits, rule.drugs, rule.classes, rule.families)
        return Check(
            MET,
            f"had {names}, changed for side effects while it was working "
            "(a switch for side effects is not a new line)",
            _paths(hits),
        )
    return _nothing_given(rule)


def _on_it_now(f: Facts, given: list[Given], what: str) -> Check | None:
    """A rule that needs the cancer not to have grown on what the person takes now, for an
    option that is for after it (`Facts.working`): once the current treatment stops working
    it will have grown on it, so the option is not one for later either. None when nothing
    of `given` is the running treatment, or it is kept through a switch for side effects,
    or it is paused for a planned break (the rules cannot tell its restart from a variant of
    it, so a paused treatment's variants stay "for later")."""
    now = [
        g
        for g in given
        if g.running and g.stop_reason != "break" and f.switch_drugs.isdisjoint(g.drugs)
    ]
    if not now:
        return None
    return Check(
        UNMET,
        f"you are on {_plus(now)} now: this is for a cancer that has not grown on {what}, "
        "so it would not follow it",
        _paths(now),
    )


def not_progressed_on_drug(rule: NotProgressedOnDrug, f: Facts) -> Check:
    if f.given_drugs.isdisjoint(rule.drugs):
        return _NOT_GIVEN_BEFORE
    hits = [g for g in f.given if g.progressed and g.drugs.intersection(rule.drugs)]
    if hits:
        named = ", ".join(
            dict.fromkeys(
                n for g in hits for n, ids, _, _ in g.items if ids.intersection(rule.drugs)
            )
        )
        return Check(UNMET, f"the cancer grew on {named}", _paths(hits))
    probable = [g for g in f.probably_stopped if g.drugs.intersection(rule.drugs)]
    if probable:
        return Check(
            UNKNOWN,
            f"{_suggest(probable)} the cancer is growing on {_names(probable)}",
            _paths(probable),
            _reading(probable),
        )
    before = [g for g in f.given if g.drugs.intersection(rule.drugs)]
    if f.working:
        named = ", ".join(
            dict.fromkeys(
                n for g in before for n, ids, _, _ in g.items if ids.intersection(rule.drugs)
            )
        )
        found = _on_it_now(f, before, named)
        if found is not None:
            return found
    if before:
        named = ", ".join(
            dict.fromkeys(
                n for g in before for n, ids, _, _ in g.items if ids.intersection(rule.drugs)
            )
        )
        return Check(MET, f"had {named} before, and it did not stop working", _paths(before))
    return _nothing_given(rule)


def not_progressed_on_class(rule: NotProgressedOnClass, f: Facts) -> Check:
    if f.given_classes.isdisjoint(rule.classes):
        return _nothing_given(rule)
    hits = [
        g
        for g in f.given
        if g.progressed and g.setting in rule.settings and g.classes.intersection(rule.classes)
    ]
    if hits:
        named = ", ".join(
            dict.fromkeys(
                n for g in hits for n, _, cls, _ in g.items if cls.intersection(rule.classes)
            )
        )
        return Check(UNMET, f"the cancer grew on {named}, {rule.label}", _paths(hits))
    probable = [
        g
        for g in f.probably_stopped
        if g.setting in rule.settings and g.classes.intersection(rule.classes)
    ]
    if probable:
        return Check(
            UNKNOWN,
            f"{_suggest(probable)} the cancer is growing on {_names(probable)}, {rule.label}",
            _paths(probable),
            _reading(probable),
        )
    if f.working:
        found = _on_it_now(
            f,
            [
                g
                for g in f.working
                if g.setting in rule.settings and g.classes.intersection(rule.classes)
            ],
            rule.label,
        )
        if found is not None:
            return found
    return _nothing_given(rule)


def relapse_within_months_of_adjuvant(rule: RelapseWithinMonthsOfAdjuvant, f: Facts) -> Check:
    if _never_given(f, (), rule.classes, rule.families):
        return _nothing_given(rule)
    early = [
        g
        for g in f.given
        if g.setting in ("adjuvant", "neoadjuvant")
        and _matches(g, [], rule.classes, list(rule.families))
    ]
    if not early:
        return _nothing_given(rule)
    if f.metastatic_since is None:
        return Check(
            UNKNOWN,
            "the date the cancer came back is not on record",
            None,
            "the date the cancer came back or spread (diagnosis.metastatic_since)",
        )
    back = f.metastatic_since
    for g in early:
        if g.start <= back and (g.stop is None or back <= g.stop):
            return Check(MET, f"the cancer came back during {_names([g])}", g.path)
        if g.stop is not None and back > g.stop:
            months = months_between(g.stop, back)
            if months <= rule.months:
                return Check(
                    MET,
                    f"the cancer came back {months:.0f} months after finishing {_names([g])}",
                    g.path,
                )
    last = max(early, key=lambda g: g.stop or g.start)
    months = months_between(last.stop, back) if last.stop else 0.0
    if rule.guideline_months is not None and last.stop and months <= rule.guideline_months:
        return Check(
            UNKNOWN,
            f"the cancer came back {months:.0f} months after finishing {_names([last])}: the "
            f"label counts a return within {rule.months} months, and ASCO treats a return "
            f"within {rule.guideline_months} months the same way",
            last.path,
            f"your team's view: a return {months:.0f} months after {_names([last])} "
            "(ASCO treats it like growth on that treatment)",
        )
    return Check(
        UNMET,
        f"the cancer came back {months:.0f} months after finishing {_names([last])}: "
        f"this needs a return within {rule.months} months",
        last.path,
    )


def min_prior_lines(rule: MinPriorLines, f: Facts) -> Check:
    lines: dict[int, list[Given]] = {}
    for g in f.given:
        if g.setting == "metastatic" and g.line is not None:
            lines.setdefault(g.line, []).append(g)
    if rule.families:
        lines = {
            n: gs
            for n, gs in lines.items()
            if any(g.families.intersection(rule.families) for g in gs)
        }
    count = len(lines)
    early = [
        g
        for g in f.given
        if g.setting in ("adjuvant", "neoadjuvant") and g.families - {"supportive"}
    ]
    if rule.counting == "systemic_therapies" and early:
        count += 1
    paths = ", ".join(g.path for n in sorted(lines) for g in lines[n])
    ok = count >= rule.count and len(lines) >= rule.min_metastatic
    text = f"{count} earlier treatment{'s' if count != 1 else ''}"
    if ok:
        # a line still running counts once it has stopped working: when the scans suggest
        # it has and the count needs it, the team's confirmation settles it
        growing = [n for n, gs in lines.items() if _growing_on_scans(gs)]
        if growing and (
            count - len(growing) < rule.count or len(lines) - len(growing) < rule.min_metastatic
        ):
            probable = [g for n in growing for g in _growing_on_scans(lines[n])]
            return Check(
                UNKNOWN,
                f"{text}, counting one {_suggest(probable)} has stopped working: "
                f"this fits {_CONFIRM}",
                _paths(probable),
                _confirm_needs(probable),
            )
        return Check(MET, text, paths or None)
    return Check(UNMET, f"{text}: this needs {rule.label}", paths or None)


def site_present(rule: SitePresent, f: Facts) -> Check:
    for site in rule.sites:
        if site in f.sites:
            return Check(
                MET, f"{site.replace('_', ' ')} metastases", f"metastases[{f.sites[site][0]}]"
            )
    return Check(
        UNMET, f"no {' or '.join(s.replace('_', ' ') for s in rule.sites)} metastases on record"
    )


def brain_lesions_at_most(rule: BrainLesionsAtMost, f: Facts) -> Check:
    if "brain" not in f.sites:
        return Check(UNMET, "no brain metastases on record")
    index, lesions = f.sites["brain"]
    path = f"metastases[{index}]"
    if lesions is None:
        return Check(
            UNKNOWN,
            "number of brain metastases not on record",
            path,
            "the number of brain metastases on a recent MRI",
        )
    if lesions <= rule.count:
        return Check(MET, f"{lesions} brain metastases", path)
    return Check(
        UNMET, f"{lesions} brain metastases: this is usually for {rule.count} or fewer", path
    )


def symptom_at_least(rule: SymptomAtLeast, f: Facts) -> Check:
    word = rule.symptom.replace("_", " ")
    for index, day, scores in reversed(f.esas):
        score = dict(scores).get(rule.symptom)
        if score is None:
            continue
        text = f"{word} {score}/10 on {day.isoformat()}"
        if score >= rule.score:
            return Check(MET, text, f"symptoms[{index}]")
        return Check(
            UNMET, f"{text}: this is for {word} of at least {rule.score}/10", f"symptoms[{index}]"
        )
    return Check(
        UNKNOWN, f"no {word} score on record", None, f"how much {word} there is, and where"
    )


def any_of(rule: AnyOf, f: Facts) -> Check:
    checks = [evaluate(inner, f) for inner in rule.rules]
    for check in checks:
        if check.status == MET:
            return check
    unknown = [c for c in checks if c.status == UNKNOWN]
    if unknown:
        return Check(
            UNKNOWN,
            "; or ".join(c.text for c in unknown),
            unknown[0].path,
            " or ".join(c.needs or "" for c in unknown),
        )
    return Check(
        UNMET, "; and ".join(c.text for c in checks), next((c.path for c in checks if c.path), None)
    )


EVALUATORS: dict[str, Callable[[Any, Facts], Check]] = {
    "hr_status": hr_status,
    "her2_category_in": her2_category_in,
    "alteration_detected": alteration_detected,
    "tumor_biomarker_high": tumor_biomarker_high,
    "germline_pathogenic": germline_pathogenic,
    "pdl1_cps_at_least": pdl1_cps_at_least,
    "menopausal_status_or_ovarian_suppression": menopausal_status_or_ovarian_suppression,
    "menopausal_status_in": menopausal_status_in,
    "sex": sex,
    "no_visceral_crisis": no_visceral_crisis,
    "not_pd1_candidate": not_pd1_candidate,
    "prior_class_received": prior_class_received,
    "not_received": not_received,
    "not_progressed_on_drug": not_progressed_on_drug,
    "not_progressed_on_class": not_progressed_on_class,
    "relapse_within_months_of_adjuvant": relapse_within_months_of_adjuvant,
    "min_prior_lines": min_prior_lines,
    "site_present": site_present,
    "brain_lesions_at_most": brain_lesions_at_most,
    "symptom_at_least": symptom_at_least,
    "current_treatment_working": current_treatment_working,
    "disease_under_control": disease_under_control,
    "hospice_timely": hospice_timely,
    "labs_within_uln": labs_within_uln,
    "any_of": any_of,
}


_HISTORY = ("given", "given_drugs", "given_classes", "given_families")
_HISTORY_READS = (
    *_HISTORY,
    "probably_stopped",
    "stopped_for_side_effects",
    "working",
    "switch_drugs",
)

# What each evaluator reads of `Facts`, by name; None: it reads the record itself (or a fact
# that cannot be a key), so its answer is worked out for every person. The engine keeps each
# rule's answer keyed by the values of these facts (`options/_answers.py`), so an evaluator
# must read nothing else: tests/options/test_answers.py reads every rule of the knowledge
# base for varied people through a proxy that records each fact read, and checks this table.
READS: dict[str, tuple[str, ...] | None] = {
    "hr_status": ("hr", "er_low_path", "hr_text", "hr_path"),
    "her2_category_in": ("her2", "her2_path"),
    "alteration_detected": ("genes", "last_progression"),
    "tumor_biomarker_high": ("markers",),
    "germline_pathogenic": ("genes", "germline_tested"),
    "pdl1_cps_at_least": ("pdl1_cps", "pdl1_path"),
    "menopausal_status_or_ovarian_suppression": (
        "sex",
        "menopausal",
        "suppression_path",
        "periods_may_return",
    ),
    "menopausal_status_in": ("sex", "menopausal"),
    "sex": ("sex",),
    "no_visceral_crisis": ("visceral_crisis_path",),
    "not_pd1_candidate": ("comorbidities", "given", "pdl1_cps", "pdl1_path"),
    "prior_class_received": _HISTORY_READS,
    "not_received": _HISTORY_READS,
    "not_progressed_on_drug": _HISTORY_READS,
    "not_progressed_on_class": _HISTORY_READS,
    "relapse_within_months_of_adjuvant": (*_HISTORY_READS, "metastatic_since"),
    "min_prior_lines": ("given",),
    "site_present": ("sites",),
    "brain_lesions_at_most": ("sites",),
    "symptom_at_least": ("esas",),
    "current_treatment_working": ("working", "probably_stopped", "visceral_crisis_path"),
    "disease_under_control": ("working", "probably_stopped", "visceral_crisis_path", "considering"),
    "hospice_timely": ("considering", "ecog", "working", "metastatic_lines"),
    "labs_within_uln": ("uln",),
    "any_of": (),  # what its rules read (`reads`)
}


def reads(rule: Rule) -> tuple[str, ...] | None:
    """The facts one rule reads (see `READS`), sorted; None when they cannot be a key."""
    if isinstance(rule, AnyOf):
        names: set[str] = set()
        for inner in rule.rules:
            found = reads(inner)
            if found is None:
                return None
            names.update(found)
        return tuple(sorted(names))
    found = READS[rule.rule]
    return None if found is None else tuple(sorted(found))


def evaluate(rule: Rule, f: Facts) -> Check:
    """The answer of one rule for one person."""
    return EVALUATORS[rule.rule](rule, f)
