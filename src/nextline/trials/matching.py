"""Which trials might a person join: `match_trials`, pure.

Every criterion of every trial is answered `met`, `not_met` or `unknown`, with the record
entry it rests on. A trial is `likely_ineligible` only when a criterion that applies to
everyone in it is answered against the person (an inclusion not met, an exclusion met);
unknowns alone never make a trial ineligible. It is `likely_eligible` when nothing is
against the person, nothing about the cancer's biology or treatment history is unknown, and
at least one criterion about the cancer or its treatment was read and fits; otherwise
`possibly_eligible`, with `to_find_out` naming the tests or facts that would settle
it. A trial with two or more cohorts, parts or arms (`trials/cohorts.py`) is judged per
cohort, on the shared criteria plus the cohort's own: it is `likely_ineligible` when every
cohort is, and otherwise takes the best cohort's verdict, name, reasons and `to_find_out`
(`TrialMatch.cohorts` holds each cohort's). Trials are ranked by verdict, then a score
built from criteria met, relevance of the study to the person's cancer and history,
recruiting status, phase and distance.

No I/O, no clock: the as-of date is an argument; parsed criteria come in or are parsed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from types import MappingProxyType
from typing import Literal

from nextline.gc_pause import collector_paused
from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from nextline.trials._facts import Answer, PatientFacts, Verdict
from nextline.trials.cohorts import display_name
from nextline.trials.eligibility import ParsedEligibility
from nextline.trials.find_out import FIND_OUT
from nextline.trials.geo import Point, country_code, haversine_km, locate
from nextline.trials.models import Trial
from nextline.trials.prepared import (
    RELEVANCE_WORDS,
    SECTION_EXCLUSION,
    SECTION_INCLUSION,
    PlannedCriterion,
    PreparedCatalog,
    TrialPlan,
    prepare_catalog,
)

TrialVerdict = Literal["likely_eligible", "possibly_eligible", "likely_ineligible"]
_UNKNOWN: tuple[Verdict, Answer | None] = ("unknown", None)
_NO_ANSWERS: Mapping[int, tuple[Verdict, Answer | None]] = MappingProxyType({})
LIKELY_LEAD = 0.1  # how much "likely eligible" adds to the fit score when ranking
VERDICT_ORDER: dict[str, int] = {
    "likely_eligible": 0,
    "possibly_eligible": 1,
    "likely_ineligible": 2,
}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """One criterion and its answer for this person."""

    text: str
    section: str
    type: str
    verdict: Verdict
    path: str | None
    detail: str
    cohort: str | None
    key: bool

    def evidence(self) -> dict[str, str | None] | None:
        if not self.detail and not self.path:
            return None
        return {"path": self.path, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class SiteDistance:
    facility: str | None
    city: str | None
    country: str | None
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class CohortVerdict:
    """One cohort, part or arm judged on the shared criteria plus its own."""

    key: str  # "cohort 2b"
    name: str  # "Part 2B (ER+HER2- breast cancer 2-4L, combination with fulvestrant)"
    verdict: TrialVerdict
    reasons: tuple[str, ...]  # why it is likely ineligible (shared reasons first)
    to_find_out: tuple[str, ...]  # what would settle it (the deciding facts first)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "to_find_out": list(self.to_find_out),
        }


class _CohortTally:
    """What one cohort's own criteria say about the person, while a trial is matched."""

    __slots__ = (
        "evaluated",
        "favourable",
        "find_out",
        "fits",
        "key_find_out",
        "met",
        "open",
        "reasons",
    )

    def __init__(self) -> None:
        self.evaluated = 0
        self.open = False  # an alternative or conditional criterion went against the person
        self.favourable = 0
        self.met = 0  # own inclusion criteria met
        self.fits = 0  # own inclusion criteria about the cancer or its treatment met
        self.reasons: list[str] = []
        self.key_find_out: list[str] = []
        self.find_out: list[str] = []


class _CohortsLater:
    """What each cohort's verdict is made of, kept until `TrialMatch.cohorts` is read."""

    __slots__ = ("find_out", "judged", "key_asked", "plan", "reasons")

    def __init__(
        self,
        plan: TrialPlan,
        judged: list[tuple[TrialVerdict, _CohortTally]],
        reasons: tuple[str, ...],
        find_out: list[str],
        key_asked: int,
    ) -> None:
        self.plan = plan
        self.judged = judged
        self.reasons = reasons  # the shared reasons
        self.find_out = find_out  # the shared open questions, the deciding ones first
        self.key_asked = key_asked

    def build(self) -> tuple[CohortVerdict, ...]:
        return tuple(
            CohortVerdict(
                key=cohort.key,
                name=cohort.name,
                verdict=v,
                reasons=(*self.reasons, *t.reasons),
                to_find_out=_find_out_of(self.find_out, self.key_asked, t, cohort.unread),
            )
            for cohort, (v, t) in zip(self.plan.cohorts, self.judged, strict=True)
        )


class TrialMatch:
    """A trial, the person's verdict for it, and why. The per-criterion results are built
    when asked for (`criteria`), so ranking thousands of trials stays cheap."""

    __slots__ = (
        "_answers",
        "_cohorts",
        "_group",
        "_origin",
        "_plan",
        "_rank",
        "cohort",
        "in_country",
        "nearest_km",
        "reasons",
        "score",
        "to_find_out",
        "verdict",
    )

    def __init__(
        self,
        plan: TrialPlan,
        verdict: TrialVerdict,
        score: float,
        answers: Mapping[int, tuple[Verdict, Answer | None]],
        to_find_out: tuple[str, ...],
        reasons: tuple[str, ...],
        origin: Point | None,
        nearest_km: float | None,
        in_country: bool | None,
        cohort: str | None = None,
        cohorts: tuple[CohortVerdict, ...] | _CohortsLater = (),
    ) -> None:
        self._plan = plan
        self.cohort = cohort  # the cohort, part or arm that fits best, when the study has them
        self._cohorts = cohorts
        self._origin = origin
        self._answers = answers
        self.verdict = verdict
        self.score = score
        self.to_find_out = to_find_out
        self.reasons = reasons
        self.nearest_km = nearest_km
        self.in_country = in_country
        # the ranking keys (see `match_trials`): treatment studies first, then those that may
        # fit, then by score with a lead for "likely"
        self._group = 2 * (plan.kind.purpose != "treatment") + (verdict == "likely_ineligible")
        self._rank = -(score + (LIKELY_LEAD if verdict == "likely_eligible" else 0.0))

    @property
    def cohorts(self) -> tuple[CohortVerdict, ...]:
        """Each cohort's verdict, when the study has two or more (built when first asked
        for: ranking and a kept snapshot never ask)."""
        found = self._cohorts
        if isinstance(found, _CohortsLater):
            found = self._cohorts = found.build()
        return found

    @property
    def trial(self) -> Trial:
        return self._plan.trial

    @property
    def nct_id(self) -> str:
        return self._plan.nct_id

    @property
    def title(self) -> str:
        """The trial's title (as `trial.title`, without reading the trial's whole record)."""
        return self._plan.title

    @property
    def purpose(self) -> str:
        """What the study is for: treatment, supportive_care, diagnostic, ..."""
        return self._plan.kind.purpose

    @property
    def population(self) -> str:
        """Whom the study enrols (trials/kind.py)."""
        return self._plan.kind.population

    @property
    def sites(self) -> tuple[SiteDistance, ...]:
        """Every site with its distance when it can be placed, nearest first."""
        origin = self._origin
        out = []
        for site in self._plan.sites:
            distance = None
            if origin is not None and site.latitude is not None and site.longitude is not None:
                distance = round(haversine_km(origin, Point(site.latitude, site.longitude)), 1)
            out.append(SiteDistance(site.facility, site.city, site.country, distance))
        out.sort(key=lambda s: (s.distance_km is None, s.distance_km or 0.0))
        return tuple(out)

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """Every criterion of the trial with its answer (text-only ones are unknown)."""
        keys = {p.index: p.key for p in self._plan.criteria}
        out = []
        for index, criterion in enumerate(self._plan.parsed.criteria):
            verdict, answer = self._answers.get(index, ("unknown", None))
            out.append(
                CriterionResult(
                    text=criterion.text,
                    section=criterion.section,
                    type=criterion.type,
                    verdict=verdict,
                    path=answer.path if answer else None,
                    detail=answer.detail if answer else "",
                    cohort=criterion.cohort,
                    key=keys.get(index, False),
                )
            )
        return tuple(out)

    def summary(self) -> str:
        """One plain line: what is tested, what kind of study, where (trials/summary.py)."""
        from nextline.trials.summary import plain_line

        return plain_line(self)

    def as_json(self) -> dict[str, object]:
        """The `matches[]` item of the `trials match --json` contract."""
        trial = self.trial
        return {
            "nct_id": trial.nct_id,
            "title": trial.title,
            "phase": "/".join(trial.phases) or None,
            "status": trial.status,
            "verdict": self.verdict,
            "cohort": self.cohort,
            "purpose": self.purpose,
            "population": self.population,
            "score": self.score,
            "criteria": [
                {
                    "text": c.text,
                    "section": c.section,
                    "type": c.type,
                    "verdict": c.verdict,
                    "evidence": c.evidence(),
                }
                for c in self.criteria
            ],
            "summary": self.summary(),
            "to_find_out": list(self.to_find_out),
            "reasons": list(self.reasons),
            "cohorts": [c.as_json() for c in self.cohorts],
            "sites": [
                {
                    "facility": s.facility,
                    "city": s.city,
                    "country": s.country,
                    "distance_km": s.distance_km,
                }
                for s in self.sites
            ],
        }


def _with_topics(section: int, has_topics: bool, verdict: Verdict) -> Verdict:
    """A criterion that also names a key topic the parser could not read cannot be settled
    in the direction that topic might change."""
    if not has_topics:
        return verdict
    if section == SECTION_INCLUSION and verdict == "met":
        return "unknown"
    if section == SECTION_EXCLUSION and verdict == "not_met":
        return "unknown"
    return verdict


def person_terms(record: PatientRecord, as_of: dt.date) -> list[str]:
    """Words that make a study relevant to this person."""
    terms = ["breast", "metastatic"]
    her2 = record.her2(as_of).status
    hr = record.hr_positive(as_of)
    if her2 == "positive":
        terms.append("her2")
    elif her2 in ("low", "ultralow"):
        terms.append(f"her2-{her2}")
    if hr is True:
        terms.append("hormone receptor")
    elif hr is False and her2 != "positive":
        terms.append("triple")
    for gene in ("ESR1", "PIK3CA", "AKT1", "PTEN", "BRCA1", "BRCA2", "PALB2", "ERBB2"):
        if record.gene_status(gene, as_of)[0] == "detected":
            terms.append(gene.lower().rstrip("12") if gene.startswith("BRCA") else gene.lower())
    last = record.last_line(as_of)
    if last is not None:
        terms.extend(name.lower() for name in last.drug_names[:3])
    return list(dict.fromkeys(terms))


class _Matcher:
    """One person's answers over one prepared catalog."""

    def __init__(
        self,
        facts: PatientFacts,
        prepared: PreparedCatalog,
        terms: Sequence[str],
        origin: Point | None,
        home_country: str | None,
        travel_km: float | None,
    ) -> None:
        self.facts = facts
        self.constraints = prepared.constraints
        self.answers: list[Answer | None] = [None] * len(prepared.constraints)
        self.verdicts: list[tuple[Verdict, Answer | None] | None] = [
            None
        ] * prepared.distinct_criteria
        self.terms = terms
        self.known = [t for t in terms if t in RELEVANCE_WORDS]  # found once per study
        self.other = [t for t in terms if t not in RELEVANCE_WORDS]
        self.origin = origin
        self.home_country = home_country
        self.travel_km = travel_km or 300.0

    def answer(self, index: int) -> Answer:
        found = self.answers[index]
        if found is None:
            found = self.facts.answer(self.constraints[index])
            self.answers[index] = found
        return found

    def criterion(self, planned: PlannedCriterion) -> tuple[Verdict, Answer | None]:
        found = self.verdicts[planned.cid]
        if found is None:
            found = self._criterion(planned)
            self.verdicts[planned.cid] = found
        return found

    def _criterion(self, planned: PlannedCriterion) -> tuple[Verdict, Answer | None]:
        """Met when every constraint of one group holds; not met when every group fails."""
        best: Answer | None = None
        any_unknown = False
        for group in planned.groups:
            verdict: Verdict = "met"
            witness: Answer | None = None
            for index in group:
                answer = self.answer(index)
                if answer.verdict == "not_met":
                    verdict, witness = "not_met", answer
                    break
                if answer.verdict == "unknown":
                    if verdict == "met":
                        verdict, witness = "unknown", answer
                elif witness is None:
                    witness = answer
            if verdict == "met":
                return _with_topics(planned.section, planned.has_topics, "met"), witness
            if verdict == "unknown":
                any_unknown = True
                best = witness
            elif best is None:
                best = witness
        if not planned.groups:
            return "unknown", None
        final: Verdict = "unknown" if any_unknown else "not_met"
        return _with_topics(planned.section, planned.has_topics, final), best

    def place(self, plan: TrialPlan) -> tuple[float | None, bool | None]:
        """Distance to the nearest placed site, and whether a site is in the home country."""
        nearest: float | None = None
        origin = self.origin
        if origin is not None:
            for latitude, longitude in plan.placed:
                distance = round(haversine_km(origin, Point(latitude, longitude)), 1)
                nearest = distance if nearest is None else min(nearest, distance)
        in_country = (
            None if self.home_country is None else (self.home_country in plan.country_codes)
        )
        return nearest, in_country

    def match(self, plan: TrialPlan, keep_ineligible: bool = True) -> TrialMatch | None:
        """The trial's verdict; None when it is likely ineligible and not wanted.

        A trial with two or more cohorts is judged per cohort (shared criteria plus the
        cohort's own) and takes the best cohort's verdict, reasons and open questions. With
        one named cohort, or criteria scoped by a condition ("if premenopausal: ..."), the
        scoped criteria cannot rule the trial out: the rest of the study may be open."""
        if not plan.enrols:
            # the study is not for people whose breast cancer has spread: nothing else counts,
            # so its criteria are not answered (most of an oncology catalog; keeps --all fast)
            if not keep_ineligible:
                return None
            return TrialMatch(
                plan,
                "likely_ineligible",
                plan.outside_score,
                _NO_ANSWERS,
                (),
                plan.outside_reasons,
                self.origin,
                None,
                None,
            )
        answers: dict[int, tuple[Verdict, Answer | None]] = {}
        reasons: list[str] = []
        find_out: list[str] = []
        favourable = evaluated = fitting = 0
        scoped_against = key_unknown = False
        substantive_met = False
        key_asked = 0  # key unknowns go before the others in `to_find_out`
        if plan.kind.population == "breast_stage_unstated":
            find_out.append(FIND_OUT["disease_stage_unstated"])
            key_asked = 1
            key_unknown = True
        per_cohort = len(plan.cohorts) >= 2
        tallies = [_CohortTally() for _ in plan.cohorts]
        for cohort, tally in zip(plan.cohorts, tallies, strict=True):
            if cohort.other_cancer and per_cohort:
                tally.reasons.append(f"Not for you: {_OTHER_CANCER_COHORT}")
        verdicts = self.verdicts
        for planned in plan.criteria:
            own = planned.cohorts if per_cohort else ()
            if not planned.groups:
                answers[planned.index] = _UNKNOWN
                if planned.key and own:
                    for c in own:
                        tallies[c].key_find_out.append(planned.find_out)
                elif planned.key and not planned.scoped:
                    key_unknown = True
                    find_out.insert(key_asked, planned.find_out)
                    key_asked += 1
                continue
            found = verdicts[planned.cid]  # answered once per person (`criterion`)
            if found is None:
                found = verdicts[planned.cid] = self._criterion(planned)
            verdict, answer = found
            answers[planned.index] = found
            inclusion = planned.section == SECTION_INCLUSION
            against = (verdict == "not_met") if inclusion else (verdict == "met")
            if own:
                for c in own:
                    tally = tallies[c]
                    tally.evaluated += 1
                    if against and planned.alternative:
                        tally.open = True  # one alternative, or a condition: not decisive
                    elif against:
                        tally.reasons.append(_reason(plan.text_of(planned), answer, inclusion))
                    elif verdict == "unknown":
                        wanted = tally.key_find_out if planned.key else tally.find_out
                        wanted.append(planned.find_out)
                    else:
                        tally.favourable += 1
                        if inclusion:
                            tally.met += 1
                            if planned.substantive:
                                tally.fits += 1
                continue
            evaluated += 1
            if planned.cohorts:  # the one named cohort: tallied only to name it when it fits
                tally = tallies[planned.cohorts[0]]
                if against:
                    tally.reasons.append("")
                elif verdict == "met" and inclusion:
                    tally.met += 1
            if against:
                if planned.scoped:
                    scoped_against = True
                elif not keep_ineligible:
                    return None
                else:
                    reasons.append(_reason(plan.text_of(planned), answer, inclusion))
            elif verdict == "unknown":
                if not planned.scoped:
                    # what decides the trial is asked first
                    if planned.key:
                        find_out.insert(key_asked, planned.find_out)
                        key_asked += 1
                    else:
                        find_out.append(planned.find_out)
                    key_unknown = key_unknown or planned.key
            else:
                favourable += 1
                if planned.substantive and not planned.scoped and inclusion:
                    substantive_met = True
                    fitting += 1

        def verdict_of(tally: _CohortTally | None) -> TrialVerdict:
            if reasons or (tally is not None and tally.reasons):
                return "likely_ineligible"
            if tally is None:
                open_ = scoped_against or key_unknown or not substantive_met
            else:
                open_ = (
                    scoped_against
                    or tally.open
                    or plan.cohorts_nested
                    or key_unknown
                    or bool(tally.key_find_out)
                    or bool(plan.cohorts[tallies.index(tally)].unread)
                    or not (substantive_met or tally.fits)
                )
            return "possibly_eligible" if open_ else "likely_eligible"

        best: _CohortTally | None = None
        cohort_name: str | None = None
        cohort_verdicts: tuple[CohortVerdict, ...] | _CohortsLater = ()
        if per_cohort:
            judged = [(verdict_of(t), t) for t in tallies]
            if not keep_ineligible and all(v == "likely_ineligible" for v, _ in judged):
                return None
            order = min(
                range(len(judged)),
                key=lambda i: (
                    VERDICT_ORDER[judged[i][0]],
                    -judged[i][1].met,
                    len(judged[i][1].key_find_out) + len(plan.cohorts[i].unread),
                    i,
                ),
            )
            verdict_, best = judged[order]
            cohort_verdicts = _CohortsLater(plan, judged, tuple(reasons), find_out, key_asked)
            if verdict_ == "likely_ineligible":
                if not reasons:
                    reasons = [
                        f"{display_name(c.key)} — {t.reasons[0]}"
                        for c, (_, t) in zip(plan.cohorts, judged, strict=True)
                    ]
            else:
                cohort_name = plan.cohorts[order].name
            to_find_out = _find_out_of(find_out, key_asked, best, plan.cohorts[order].unread)
            favourable += best.favourable
            evaluated += best.evaluated
            fitting += best.fits
            key_asked += len(best.key_find_out) + len(plan.cohorts[order].unread)
        else:
            verdict_ = verdict_of(None)
            to_find_out = tuple(dict.fromkeys(find_out))
            if tallies and not tallies[0].reasons and tallies[0].met:
                cohort_name = plan.cohorts[0].name
        nearest, in_country = self.place(plan)
        share = favourable / evaluated if evaluated else 0.0
        if nearest is not None:
            place = 1.0 if nearest <= self.travel_km else max(0.0, self.travel_km / nearest)
        else:
            place = 0.5 if in_country else 0.2
        relevance = 0.0
        if self.terms:
            haystack, words = plan.haystack, plan.words
            hits = len([t for t in self.known if t in words])
            hits += len([t for t in self.other if t in haystack])
            relevance = hits / len(self.terms)
        # Fit to the person's situation first: criteria met, a study built for breast
        # cancer over a basket, subtype / biomarker / history criteria that fit, few open
        # questions; then words in common, recruiting status, phase and distance.
        fit = min(1.0, fitting / 3)
        certainty = 1.0 / (1 + key_asked)
        score = (
            0.25 * share
            + 0.2 * plan.specific
            + 0.2 * fit
            + 0.1 * certainty
            + 0.1 * relevance
            + 0.05 * plan.status_weight
            + 0.05 * plan.phase_weight
            + 0.05 * place
        )
        return TrialMatch(
            plan,
            verdict_,
            round(score, 3),
            answers,
            to_find_out,
            tuple(reasons),
            self.origin,
            nearest,
            in_country,
            cohort_name,
            cohort_verdicts,
        )


_OTHER_CANCER_COHORT = "this part of the study is for people with other cancers"


def _reason(text: str, answer: Answer | None, inclusion: bool) -> str:
    detail = f" ({answer.detail})" if answer and answer.detail else ""
    word = "Not met" if inclusion else "Exclusion applies"
    return f"{word}: {_short(text)}{detail}"


def _find_out_of(
    shared: list[str], key_asked: int, tally: _CohortTally, unread: tuple[str, ...]
) -> tuple[str, ...]:
    """A cohort's open questions: the deciding ones first (shared, then its own), then the
    rest."""
    return tuple(
        dict.fromkeys(
            [
                *shared[:key_asked],
                *tally.key_find_out,
                *unread,
                *shared[key_asked:],
                *tally.find_out,
            ]
        )
    )


def _short(text: str) -> str:
    return text if len(text) <= 160 else text[:157] + "..."


_BY_RANK = attrgetter("_rank")
_BY_GROUP = attrgetter("_group")


def match_trials(
    record: PatientRecord,
    kb: Knowledge,
    catalog_trials: Sequence[Trial] | PreparedCatalog,
    as_of: dt.date,
    *,
    parsed: Mapping[str, ParsedEligibility] | None = None,
    near: Point | None = None,
    within_km: float | None = None,
    include_ineligible: bool = False,
    limit: int | None = None,
) -> list[TrialMatch]:
    """Every trial's verdict for this person, best first (see the module docstring).

    `catalog_trials` is a list of trials or a `PreparedCatalog` (prepare once, match many
    people). `parsed` maps NCT id to stored parsed criteria; trials missing from it are
    parsed here. `near` replaces the person's location; `within_km` drops trials whose
    nearest placed site is farther, and trials that cannot be placed unless a site is in the
    same country. `include_ineligible` keeps `likely_ineligible` trials with their reasons.
    """
    prepared = (
        catalog_trials
        if isinstance(catalog_trials, PreparedCatalog)
        else prepare_catalog(catalog_trials, kb, parsed)
    )
    facts = PatientFacts.build(record, kb, as_of)
    location = record.file.patient.location
    origin = near
    if origin is None and location is not None:
        origin = locate(location.country, location.postal_code, location.city)
    home_country = (near.country if near is not None else None) or (
        country_code(location.country) if location is not None else None
    )
    goals = record.file.goals
    travel_km = within_km or (goals.travel_limit_km if goals else None)
    matcher = _Matcher(
        facts, prepared, person_terms(record, as_of), origin, home_country, travel_km
    )

    matches: list[TrialMatch] = []
    # Many small objects and no cycles: the cyclic garbage collector would otherwise walk
    # the whole catalog again and again while the list is built and sorted (half the time
    # at 10,000).
    with collector_paused():
        # in NCT id order: the last tie-break of the ranking
        for plan in prepared.by_id if include_ineligible else prepared.enrolling:
            match = matcher.match(plan, include_ineligible)
            if match is None:
                continue
            if within_km is not None:
                if match.nearest_km is not None and match.nearest_km > within_km:
                    continue
                if match.nearest_km is None and match.in_country is False:
                    continue
            matches.append(match)
        # Treatment trials first; care, imaging, screening and research studies after them.
        # Within the treatment trials (and within the others), those that may fit before
        # those that probably do not; among the first, fit decides, with a lead for
        # "likely": a study built for this person's cancer and history that needs one fact
        # checked outranks a basket whose few readable criteria happen to fit. Two stable
        # sorts on precomputed keys (score, then group) over the NCT id order give the same
        # order as one sort on (group, score, NCT id), without building a key per trial.
        matches.sort(key=_BY_RANK)
        matches.sort(key=_BY_GROUP)
    return matches[:limit] if limit is not None else matches
