"""A catalog made ready for fast matching: every trial's parsed criteria compiled once into
a compact plan (criteria that can be answered, their constraints as indexes into one shared
table), with the text the relevance score reads and the places of its sites.

Why: matching one person against 10,000 trials must take a fraction of a second. The work
that does not depend on the person (parsing, interning identical constraints, placing sites
on the map) happens here, once per catalog; matching then answers each distinct constraint
once per person and walks small tuples.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from nextline.knowledge import Knowledge
from nextline.trials.catalog import is_breast_trial
from nextline.trials.cohorts import cohort_keys, cohort_kind, cohort_name, display_name
from nextline.trials.eligibility import KEY_TYPES, Constraint, Criterion, ParsedEligibility
from nextline.trials.find_out import find_out_words
from nextline.trials.kind import ENROLS_METASTATIC, POPULATION_WORDS, TrialKind, classify
from nextline.trials.models import Trial

SUBSTANTIVE_TYPES = KEY_TYPES - {"condition", "sex", "menopausal_status", "measurable_disease"}
# A parent item that lists alternatives, and a criterion that applies to some people only.
_ALTERNATIVES = re.compile(
    r"\b(?:one|any|either) of the following\b|\bfollowing (?:types|tumou?rs|cancers)\b|"
    r"\bone of\b.*:\s*$|\bor\s*:?\s*$",
    re.IGNORECASE,
)
_CONDITIONAL = re.compile(
    r"^(?:if|for|in)\b|^(?:patients|participants|subjects|women|men|those|people)\s+"
    r"(?:with|who|whose)\b.{0,150}?\b(?:must|may|should|can|will need)\b",
    re.IGNORECASE,
)
_ANY_TUMOUR = re.compile(r"\bsolid tumou?rs?\b|\bany (?:advanced )?(?:cancer|tumou?r)")
# The words `matching.person_terms` takes from a record other than drug names: whether a
# study's text holds each is found once here (a word not listed is searched for per person).
RELEVANCE_WORDS = frozenset(
    {
        "breast",
        "metastatic",
        "her2",
        "her2-low",
        "her2-ultralow",
        "hormone receptor",
        "triple",
        "esr1",
        "pik3ca",
        "akt1",
        "pten",
        "brca",
        "palb2",
        "erbb2",
    }
)
SECTION_INCLUSION = 0
SECTION_EXCLUSION = 1


@dataclass(frozen=True, slots=True)
class PlannedCriterion:
    """A criterion the matcher can answer: groups of constraint indexes (one group must
    hold entirely), whether it is cohort-scoped, key, and names unread key topics."""

    index: int  # position in the parsed criteria
    cid: int  # the same number for identical criteria across the catalog (answered once)
    section: int
    groups: tuple[tuple[int, ...], ...]
    scoped: bool
    key: bool
    has_topics: bool
    substantive: bool  # about the cancer or its treatment (not only cancer type, age, sex)
    find_out: str  # what would settle it when it is unknown, in plain words
    cohorts: tuple[int, ...] = ()  # the trial's cohorts (`TrialPlan.cohorts`) it applies to
    # one of a list of alternatives ("tumour of one of the following types:") or a condition
    # for some people only ("Patients with TNBC may ..."): failing it leaves its cohort open
    alternative: bool = False


@dataclass(frozen=True, slots=True)
class CohortPlan:
    """One cohort, part or arm of a trial: its key, its name with what it is for, and what
    would settle its own criteria that could not be read (text only)."""

    key: str  # "cohort 2b" (trials/cohorts.py)
    name: str  # "Part 2B (ER+HER2- breast cancer 2-4L, combination with fulvestrant)"
    unread: tuple[str, ...]  # `to_find_out` lines for its own inclusion criteria not read
    other_cancer: bool = False  # its own inclusion criteria name another cancer, not breast


@dataclass(frozen=True, slots=True)
class SitePlace:
    facility: str | None
    city: str | None
    country: str | None
    country_code: str | None
    latitude: float | None
    longitude: float | None


def _detail_from(blob: bytes) -> PlanDetail:
    return PlanDetail(blob=blob)


class PlanDetail:
    """A trial's registry record, parsed criteria and sites: what a match shows, but the
    matching loop rarely reads. Kept as pickled bytes when the prepared catalog is read from
    its cache (`trials/prepared_cache.py`) and unpickled on first use, so a match that lists
    20 trials of 10,000 does not build 10,000 registry records."""

    __slots__ = ("_blob", "_value")

    def __init__(
        self,
        value: tuple[Trial, ParsedEligibility, tuple[SitePlace, ...]] | None = None,
        blob: bytes | None = None,
    ) -> None:
        if value is None and blob is None:
            raise ValueError("a plan's detail needs its value or its pickled bytes")
        self._value = value
        self._blob = blob

    def get(self) -> tuple[Trial, ParsedEligibility, tuple[SitePlace, ...]]:
        value = self._value
        if value is None:
            assert self._blob is not None
            # same trust as the file it came from: `knowledge.cache.read` checked it is ours
            value = self._value = pickle.loads(self._blob)
            self._blob = None
        return value

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        blob = self._blob if self._value is None else pickle.dumps(self._value, protocol=5)
        assert blob is not None
        return (_detail_from, (blob,))


@dataclass(frozen=True, slots=True)
class TrialPlan:
    detail: PlanDetail  # the trial, its parsed criteria and its sites (`trial`, `parsed`...)
    nct_id: str  # the trial's, and its title: what a kept match names (no detail read)
    title: str
    criteria: tuple[PlannedCriterion, ...]
    haystack: str  # lower-case title, conditions, interventions, summary
    # which of `RELEVANCE_WORDS` the haystack holds: looked up, not searched, per person
    words: frozenset[str]
    placed: tuple[tuple[float, float], ...]  # (latitude, longitude) of sites on the map
    country_codes: frozenset[str]
    status_weight: float
    phase_weight: float
    kind: TrialKind  # what the study is for and whom it enrols
    specific: float  # 1.0 built for breast cancer alone ... 0.2 any advanced cancer
    cohorts: tuple[CohortPlan, ...] = ()  # named cohorts, parts or arms, in order of mention
    # Worked out once so matching a study that is not for a person whose cancer has spread
    # costs one check: whether it is, and what its match says when it is not.
    # cohorts named at two levels ("Part 1" and "Monotherapy Cohorts"): which holds which is
    # not known, so no cohort alone makes the trial "likely"
    cohorts_nested: bool = False
    enrols: bool = True  # kind.population is one of `ENROLS_METASTATIC`
    outside_score: float = 0.0
    outside_reasons: tuple[str, ...] = ()
    # "breast" in its title or conditions (`catalog.is_breast_trial`): the briefing's subset,
    # kept so it is taken from a prepared catalog without reading any trial's detail
    for_breast: bool = False

    @property
    def trial(self) -> Trial:
        return self.detail.get()[0]

    @property
    def parsed(self) -> ParsedEligibility:
        return self.detail.get()[1]

    @property
    def sites(self) -> tuple[SitePlace, ...]:
        return self.detail.get()[2]

    def text_of(self, planned: PlannedCriterion) -> str:
        """The criterion as written (read from the detail: only a reason shows it)."""
        return self.parsed.criteria[planned.index].text


@dataclass(frozen=True)
class PreparedCatalog:
    """Plans for every trial, and the one table of distinct constraints they point into.
    `by_id` is the plans in NCT id order: matching walks them in that order, so ranking
    needs no tie-break key of its own."""

    plans: tuple[TrialPlan, ...]
    constraints: tuple[Constraint, ...]
    distinct_criteria: int
    by_id: tuple[TrialPlan, ...] = ()
    # `by_id` without the studies not for a person whose cancer has spread: all a match
    # that leaves out the trials that probably do not fit has to walk
    enrolling: tuple[TrialPlan, ...] = ()

    def __post_init__(self) -> None:
        if not self.by_id:
            ordered = tuple(sorted(self.plans, key=lambda p: p.nct_id))
            object.__setattr__(self, "by_id", ordered)
        if not self.enrolling:
            object.__setattr__(self, "enrolling", tuple(p for p in self.by_id if p.enrols))

    def keep(self, wanted: Callable[[TrialPlan], bool]) -> PreparedCatalog:
        """The same catalog holding only the plans `wanted` accepts (in the same order),
        sharing the constraint table: matching it gives each kept trial the verdict the
        whole catalog gives it, without preparing anything again."""
        plans = tuple(p for p in self.plans if wanted(p))
        return PreparedCatalog(
            plans=plans, constraints=self.constraints, distinct_criteria=self.distinct_criteria
        )


_STATUS_WEIGHT = {"RECRUITING": 1.0, "NOT_YET_RECRUITING": 0.7, "ENROLLING_BY_INVITATION": 0.3}
# Registry statuses of a study that takes no one new (ClinicalTrials.gov's overall status:
# active but no longer recruiting, completed, suspended, stopped early, withdrawn before the
# first person, or an expanded-access programme no longer available). A catalog file or a
# sync may hold them; nobody can join one, whatever its criteria say.
CLOSED_STATUSES: dict[str, str] = {
    "ACTIVE_NOT_RECRUITING": "is no longer taking new people (active, not recruiting)",
    "COMPLETED": "has finished (completed) and takes no one new",
    "SUSPENDED": "has paused taking people (suspended)",
    "TERMINATED": "was stopped early (terminated) and takes no one new",
    "WITHDRAWN": "was withdrawn before it took anyone",
    "NO_LONGER_AVAILABLE": "is no longer available",
    "TEMPORARILY_NOT_AVAILABLE": "is not available for now",
    "WITHHELD": "is not taking people (withheld)",
}
_PHASE_WEIGHT = {"PHASE3": 1.0, "PHASE2": 0.8, "PHASE1": 0.4, "EARLY_PHASE1": 0.3, "PHASE4": 0.5}


def _key(text: str | None) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", (text or "").upper()).strip("_")


def status_weight(status: str | None) -> float:
    return _STATUS_WEIGHT.get(_key(status), 0.0)


def closed_reason(status: str | None) -> str | None:
    """Why a study with this registry status takes no one new; None while it may."""
    why = CLOSED_STATUSES.get(_key(status))
    return f"Not for you: this study {why}" if why else None


def phase_weight(phases: Sequence[str]) -> float:
    weights = [
        _PHASE_WEIGHT.get(_key(p).replace("_", "").replace("EARLYPHASE1", "EARLY_PHASE1"), 0.2)
        for p in phases
    ]
    return max(weights) if weights else 0.2


def _is_key(criterion: Criterion) -> bool:
    return any(c.type in KEY_TYPES for c in criterion.constraints) or any(
        t in KEY_TYPES for t in criterion.topics
    )


def _sites(trial: Trial) -> tuple[SitePlace, ...]:
    from nextline.trials.geo import country_code, locate_city

    out = []
    for site in trial.sites:
        lat, lon = site.latitude, site.longitude
        if (lat is None or lon is None) and site.city:
            point = locate_city(site.city, site.country, site.state)
            if point is not None:
                lat, lon = point.latitude, point.longitude
        out.append(
            SitePlace(site.facility, site.city, site.country, country_code(site.country), lat, lon)
        )
    return tuple(out)


def _specificity(trial: Trial, kind: TrialKind) -> float:
    """How closely the study is built for breast cancer: a breast cancer study outranks a
    basket that takes breast cancer among others, which outranks "any solid tumour"."""
    from nextline.trials.eligibility.study_record import mentions_other_cancer

    if kind.population == "metastatic_breast":
        others = any(mentions_other_cancer(c) for c in trial.conditions) or mentions_other_cancer(
            trial.title
        )
        return 0.4 if others else 1.0
    if kind.population == "breast_stage_unstated":
        return 0.5
    return 0.2


def _tumour_lists(read: ParsedEligibility) -> frozenset[str]:
    """Parent items whose cohort-scoped children name different cancers ("Phase 1a: ...
    metastatic:" then "SGC: ...", "TNBC: ..."): a list of tumour types, one of which is
    enough, however the text was nested."""
    from nextline.trials.eligibility.study_record import mentions_other_cancer, names_breast

    named: dict[str, list[bool]] = {}
    for criterion in read.criteria:
        if criterion.cohort is None or criterion.group is None:
            continue
        if criterion.section != "inclusion":
            continue
        other = mentions_other_cancer(criterion.text) and "breast" not in criterion.text.lower()
        breast = names_breast(criterion.text)
        if other or breast:
            named.setdefault(criterion.group, []).append(other)
    return frozenset(g for g, found in named.items() if len(found) >= 2 and any(found))


def _is_alternative(criterion: Criterion) -> bool:
    """Whether failing this cohort criterion may not rule its cohort out: it sits under a
    list of alternatives, or states a condition for some people only. The label the cohort
    is named by ("Cohort 2: ...") is cut off first, so "Part 1: if ..." is read as "if ..."."""
    if criterion.group and _ALTERNATIVES.search(criterion.group):
        return True
    text = criterion.text
    label = criterion.cohort or ""
    if label and text.lower().startswith(label.lower()):
        text = text[len(label) :].lstrip(" :,-")
    return bool(_CONDITIONAL.search(text))


def _cohorts(
    read: ParsedEligibility, kb: Knowledge, keys_of: dict[str, tuple[str, ...]]
) -> tuple[tuple[CohortPlan, ...], list[tuple[int, ...]]]:
    """The trial's cohorts and, per parsed criterion, the cohorts it applies to (by index).
    `keys_of` caches label -> cohort keys across the catalog (labels repeat)."""
    from nextline.trials.eligibility.study_record import mentions_other_cancer, names_breast

    per_criterion: list[tuple[str, ...]] = []
    order: dict[str, None] = {}
    for criterion in read.criteria:
        label = criterion.cohort
        if label is None:
            per_criterion.append(())
            continue
        keys = keys_of.get(label)
        if keys is None:
            keys = keys_of[label] = cohort_keys(label)
        per_criterion.append(keys)
        for key in keys:
            order.setdefault(key, None)
    if not order:
        return (), [() for _ in read.criteria]
    index_of = {key: i for i, key in enumerate(order)}
    names: dict[str, str] = {}
    unread: dict[str, list[str]] = {key: [] for key in order}
    other: set[str] = set()
    takes_breast: set[str] = set()
    for criterion, keys in zip(read.criteria, per_criterion, strict=True):
        label = criterion.cohort
        if not keys or label is None:
            continue
        if len(keys) == 1 and keys[0] not in names:
            named = cohort_name(keys[0], label, criterion.text)
            if named != display_name(keys[0]):
                names[keys[0]] = named
        if criterion.section == "inclusion":
            # "For Module 2 only, advanced endometrial cancer": the part is for another
            # cancer, unless one of its criteria also takes breast cancer or any solid tumour
            # (an enrolment list is a list of alternatives)
            words = criterion.text.lower()
            if names_breast(words) or _ANY_TUMOUR.search(words):
                takes_breast.update(keys)
            elif mentions_other_cancer(criterion.text):
                other.update(keys)
        opens_a_list = criterion.text.rstrip().endswith(":")
        if (
            criterion.section == "inclusion"
            and not criterion.groups
            and not criterion.topics
            and not opens_a_list
        ):
            for key in keys:
                unread[key].append(find_out_words(criterion, kb))
    plans = tuple(
        CohortPlan(
            key=key,
            name=names.get(key, display_name(key)),
            unread=tuple(unread[key]),
            other_cancer=key in other and key not in takes_breast,
        )
        for key in order
    )
    return plans, [tuple(index_of[k] for k in keys) for keys in per_criterion]


def prepare_catalog(
    trials: Sequence[Trial],
    kb: Knowledge,
    parsed: Mapping[str, ParsedEligibility] | None = None,
) -> PreparedCatalog:
    """Plans for `trials`. `parsed` (NCT id -> parsed criteria, as the catalog stores them)
    saves parsing; trials missing from it are parsed here."""
    from nextline.trials.eligibility import parse_trial

    table: dict[Constraint, int] = {}
    criterion_ids: dict[tuple[object, ...], int] = {}
    plans: list[TrialPlan] = []
    keys_of: dict[str, tuple[str, ...]] = {}
    for trial in trials:
        read = parsed.get(trial.nct_id) if parsed is not None else None
        if read is None:
            read = parse_trial(trial, kb)
        cohorts, cohorts_of = _cohorts(read, kb, keys_of)
        listed = _tumour_lists(read) if cohorts else frozenset()
        planned: list[PlannedCriterion] = []
        for index, criterion in enumerate(read.criteria):
            if not criterion.groups and not criterion.topics:
                continue
            groups = tuple(
                tuple(table.setdefault(c, len(table)) for c in group) for group in criterion.groups
            )
            section = SECTION_INCLUSION if criterion.section == "inclusion" else SECTION_EXCLUSION
            key = _is_key(criterion)
            identity = (section, groups, bool(criterion.topics))
            planned.append(
                PlannedCriterion(
                    index=index,
                    cid=criterion_ids.setdefault(identity, len(criterion_ids)),
                    section=section,
                    groups=groups,
                    scoped=criterion.cohort is not None,
                    key=key,
                    has_topics=bool(criterion.topics),
                    substantive=any(c.type in SUBSTANTIVE_TYPES for c in criterion.constraints),
                    find_out=find_out_words(criterion, kb),
                    cohorts=cohorts_of[index],
                    alternative=bool(cohorts_of[index])
                    and (criterion.group in listed or _is_alternative(criterion)),
                )
            )
        sites = _sites(trial)
        closed = closed_reason(trial.status)
        haystack = " ".join(
            [trial.title, *trial.conditions, *trial.interventions, trial.summary or ""]
        ).lower()
        plans.append(
            TrialPlan(
                detail=PlanDetail((trial, read, sites)),
                nct_id=trial.nct_id,
                title=trial.title,
                criteria=tuple(planned),
                haystack=haystack,
                words=frozenset(w for w in RELEVANCE_WORDS if w in haystack),
                placed=tuple(
                    (s.latitude, s.longitude)
                    for s in sites
                    if s.latitude is not None and s.longitude is not None
                ),
                country_codes=frozenset(s.country_code for s in sites if s.country_code),
                status_weight=status_weight(trial.status),
                phase_weight=phase_weight(trial.phases),
                kind=(kind := classify(trial)),
                specific=_specificity(trial, kind),
                cohorts=cohorts,
                cohorts_nested=len({cohort_kind(c.key) for c in cohorts}) > 1,
                enrols=kind.population in ENROLS_METASTATIC and closed is None,
                outside_score=round(
                    0.05 * status_weight(trial.status) + 0.05 * phase_weight(trial.phases), 3
                ),
                outside_reasons=(
                    closed or f"Not for you: this study is for {POPULATION_WORDS[kind.population]}",
                ),
                for_breast=is_breast_trial(trial),
            )
        )
    ordered = sorted(table, key=table.__getitem__)
    return PreparedCatalog(
        plans=tuple(plans), constraints=tuple(ordered), distinct_criteria=len(criterion_ids)
    )
