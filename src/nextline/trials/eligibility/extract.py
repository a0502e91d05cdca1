"""Read one criterion into structured constraints: the pipeline that runs the readers.

The family readers (`readers/`, registered in one table, `readers/registry.py`) find
concepts by patterns written for eligibility text (receptor notations such as "ER+/HER2-",
gene symbols, drug names from the knowledge base, class phrases, brain metastases, stage
words) and read numbers with their comparison (age, ECOG, Karnofsky, lab thresholds with
units or × ULN, number of prior lines). medspaCy's ConText (`nlp.py`) then decides, for each
concept, whether it is negated, merely allowed, an exception or a condition, and this module
joins what is left into groups of constraints (one group must be met). Whatever cannot be
read stays text: the criterion keeps its words and, when it touches a key topic, names that
topic so the matcher answers "unknown" rather than guessing.

Pure: text and knowledge in, a `Criterion` out.
"""

from __future__ import annotations

import re

from nextline.knowledge import Knowledge
from nextline.trials.eligibility.asides import inside, part_label_spans, unknown_result_spans
from nextline.trials.eligibility.grammar import clause, sentence_of, window_days
from nextline.trials.eligibility.lists import breast_items
from nextline.trials.eligibility.logic import (
    requirement_text,
    split_alternatives,
    subject_condition,
)
from nextline.trials.eligibility.models import Constraint, Criterion
from nextline.trials.eligibility.nlp import scope
from nextline.trials.eligibility.readers.base import Found, Reading
from nextline.trials.eligibility.readers.brain import BRAIN_CONDITIONS, neurological_spans
from nextline.trials.eligibility.readers.lines import ANTI_HER2
from nextline.trials.eligibility.readers.other_cancers import about_other_cancers
from nextline.trials.eligibility.readers.receptors import receptor_groups
from nextline.trials.eligibility.readers.registry import READERS
from nextline.trials.eligibility.readers.therapies import (
    EARLY_SETTING,
    METASTATIC_SETTING,
    merge_therapies,
    planned_therapy,
)
from nextline.trials.eligibility.readers.topics import TOPICS, variant_words
from nextline.trials.eligibility.split import RawCriterion

__all__ = ["planned_therapy", "read_criterion"]

# A reverse window that is not a gap since the last dose: a relapse-free interval ("relapse
# more than 12 months after adjuvant therapy"), time on a current therapy, or since menses
_NOT_A_WASHOUT = re.compile(
    r"relaps|recurr|progress|disease[- ]free|menses|menstrua|amenorr|currently|"
    r"current (?:use|treatment)|"
    r"\btaking\b|must be (?:on|receiving)",
    re.IGNORECASE,
)
# "de novo disease, or relapse more than 12 months after adjuvant therapy": the interval is
# one way in of several, which this reading would make everyone's requirement
_DE_NOVO = re.compile(r"de[- ]?novo", re.IGNORECASE)
_PROGRESSION = re.compile(r"progress", re.IGNORECASE)
# "progressed on, or could not tolerate, X": stopping for side effects is another way in
_INTOLERANT = re.compile(r"intoleran|intolerable|toxicit|unable to tolerate", re.IGNORECASE)
_PROGRESSED_ON = re.compile(
    r"\bprogress(?:ed|ion|ing)?\s+(?:(?:of\s+disease|disease)\s+)?(?:on|after|during|while|"
    r"following|despite|through)\b|\b(?:refractory|resistant|resistance)\s+to\b|"
    r"\b(?:relapsed?|recurred|recurrence)\s+(?:on|during|while)\b",
    re.IGNORECASE,
)
_RELAPSE_AFTER = re.compile(r"relaps|recurr|disease[- ]free", re.IGNORECASE)
_WASHOUT_WORDS = re.compile(
    r"last (?:dose|administration)|washout|wash-out|\belapsed\b|since (?:the |their )?last",
    re.IGNORECASE,
)
_NOT_A_CRITERION = re.compile(
    r"^(?:note\b|additional (?:inclusion |exclusion )?criteria\b)", re.IGNORECASE
)

# a heading that states a requirement before its list ("... a brain metastasis AND meet one
# of the following additional criteria regarding ...:")
_LEAD_REQUIREMENT = re.compile(
    r"^(.*?\w.*?)[,;]?\s+(?:(?:and|AND)\s+(?:must\s+)?(?:meet|have|fulfil+|satisfy)|"
    r"defined as (?:fulfil+ing|meeting|having))\s+"
    r"(?:at least\s+)?(?:one|any|all|each)\s+of\s+the\s+following\b[^:]*:\s*$",
    re.DOTALL,
)

_NO_APPROVED_USE = re.compile(
    r"\b(?:that|which|who) (?:have|has) no (?:\w+ ){0,2}(?:approved|available|standard) "
    r"(?:indications?|treatments?|therap(?:y|ies))\b",
    re.IGNORECASE,
)
_LABEL_DASH = re.compile(r"^(?:[A-Z][\w+/]*\s+){1,5}-\s*(?=[A-Z])")

_JOINED_CONDITIONS = re.compile(
    r"\bwithout\b|\bwho (?:have|has|had)\b|\band (?:had|have|has)\b", re.IGNORECASE
)

_RESTATES_EXCLUSION = re.compile(
    r"\b(?:is|are) not (?:allowed|permitted|eligible)|\bnot (?:be )?(?:allowed|permitted)\b|"
    r"\b(?:is|are) (?:excluded|ineligible|prohibited)\b",
    re.IGNORECASE,
)
_STARTS_NEGATIVE = re.compile(
    r"^\W*(?:no|without|never|must not|has not|have not)\b", re.IGNORECASE
)


# mention labels that an aside (an unavailable result, an arm's label) takes out of reading
_ASIDE_LABELS = frozenset({"GENE", "RECEPTOR", "HER2_ALTERED"})
# lower case only, as before: an upper-case title ("TRIPLE-NEGATIVE OR ER-LOW") keeps its old
# reading until the conditions it exposes are read (see the issue 18 report)
_CONNECTIVE = re.compile(r"\band/or\b|\bor\b|\band\b")
_HALF_LIVES = re.compile(r"\bhalf[- ]?li(?:fe|ves)\b", re.IGNORECASE)
_ALLOWANCE_ASIDE = re.compile(
    r"\([^()]*\b(?:allowed|permitted|eligible|acceptable)\b[^()]*\)", re.IGNORECASE
)
_ANY_STATUS_ALLOWED = re.compile(
    r"\bany\b[^.;()]{0,120}?\bstatus(?:es)?\b[^.;()]{0,20}?\b(?:is|are)\s+(?:allowed|"
    r"permitted|eligible|acceptable)|\b(?:regardless of|irrespective of)\b[^.;()]{0,80}?"
    r"\bstatus(?:es)?\b",
    re.IGNORECASE,
)
_INCLUDING = re.compile(r"\binclud(?:ing|es?)\b", re.IGNORECASE)
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NEW_SENTENCE = re.compile(r"[.;](?:\s|$)")


def _or_between(between: str) -> bool:
    """Whether the words between two receptor mentions offer them as alternatives.

    The connective nearest the second mention decides: "HR+ (ER ≥ 10 % and/or PR ≥ 10 %)
    and HER2-low" joins HR+ and HER2-low with "and" although an "and/or" comes first; an
    "or" in brackets is inside a definition; a new sentence adds a requirement."""
    if _NEW_SENTENCE.search(between):
        return False
    flat = between
    while True:
        unbracketed = _BRACKETED.sub(" ", flat)
        if unbracketed == flat:
            break
        flat = unbracketed
    if _INCLUDING.search(flat):
        return True  # "TNBC, including ER-low tumours": the second widens the first
    words = _CONNECTIVE.findall(flat)
    return bool(words) and words[-1].lower() != "and"


def _either(raw: RawCriterion, cohort: str | None, kb: Knowledge) -> Criterion | None:
    """Two or more histories offered as alternatives, each read on its own; None when the
    criterion is one clause or only one side could be read."""
    parts = split_alternatives(raw.text)
    if len(parts) < 2:
        return None
    read = [
        read_criterion(RawCriterion(text=p, section=raw.section, group=None, cohort=None), kb)
        for p in parts
    ]
    if any(not r.groups and not r.topics for r in read) or sum(bool(r.groups) for r in read) < 2:
        return None
    groups = tuple(dict.fromkeys(g for r in read for g in r.groups))
    topics = tuple(dict.fromkeys(t for r in read for t in r.topics))
    return Criterion(
        text=raw.text,
        section=raw.section,
        group=raw.group,
        cohort=cohort,
        groups=groups,
        topics=topics,
    )


def _if_then(raw: RawCriterion, cohort: str | None, kb: Knowledge) -> Criterion | None:
    """ "Patients who are <condition> must <requirement>": met by anyone without the
    condition, or with it and the requirement (an inclusion); it excludes only those with
    the condition who meet the requirement (an exclusion). None when the criterion has no
    such subject or its condition could not be read (then it is read whole)."""
    split = subject_condition(raw.text)
    if split is None:
        return None
    condition_text, requirement = split
    condition = read_criterion(
        RawCriterion(text=condition_text, section="inclusion", group=None, cohort=None), kb
    )
    if len(condition.groups) != 1 or condition.topics:
        return None
    rest = read_criterion(
        RawCriterion(text=requirement, section=raw.section, group=None, cohort=None), kb
    )
    (needs,) = condition.groups
    groups: tuple[tuple[Constraint, ...], ...]
    if raw.section == "inclusion":
        if not rest.groups:
            groups = ()
        else:
            unless = tuple((c.model_copy(update={"negated": not c.negated}),) for c in needs)
            groups = (*unless, *rest.groups)
    else:
        groups = tuple((*needs, *g) for g in rest.groups)
    return Criterion(
        text=raw.text,
        section=raw.section,
        group=raw.group,
        cohort=cohort,
        groups=groups,
        topics=rest.topics if groups or rest.topics else (),
    )


def read_criterion(raw: RawCriterion, kb: Knowledge) -> Criterion:
    """One criterion's constraints (see the module docstring)."""
    read = breast_items(raw.text) or requirement_text(raw.text)
    if read != raw.text:
        inner = read_criterion(
            RawCriterion(text=read, section=raw.section, group=raw.group, cohort=raw.cohort), kb
        )
        return inner.model_copy(update={"text": raw.text})
    text = raw.text
    section = raw.section
    cohort = raw.cohort
    if text.rstrip().endswith(":") or _NOT_A_CRITERION.match(text):
        lead = _LEAD_REQUIREMENT.match(text)
        if lead is not None and len(lead.group(1).split()) >= 8:
            # "at least one brain metastasis AND meet one of the following:", "high-risk
            # bone metastases defined as fulfilling one of the following:": the words before
            # the list are a requirement of their own, shared by every item
            inner = read_criterion(
                RawCriterion(lead.group(1), section=section, group=raw.group, cohort=cohort), kb
            )
            return inner.model_copy(update={"text": text})
        # a heading for the items below it ("Prior Systemic Therapy Criteria:"), or a note
        return Criterion(text=text, section=section, group=raw.group, cohort=cohort)
    if section == "exclusion" and (_NO_APPROVED_USE.search(text) or _LABEL_DASH.match(text)):
        # "HER2-negative cancers that have no FDA approved indication for HER2-directed
        # therapy": who is excluded depends on what is approved, not on the receptor alone;
        # "Triple Negative Breast Cancer -Patient is not within five years of diagnosis": the
        # words before the dash name the group the rule is for, not the rule. Asked.
        return Criterion(text=text, section=section, group=raw.group, cohort=cohort)
    if cohort is None and about_other_cancers(text):
        cohort = "other cancer types"  # a basket trial's criterion for another tumour
    conditional = _if_then(raw, cohort, kb)
    if conditional is not None:
        return conditional
    if section == "inclusion":
        either = _either(raw, cohort, kb)
        if either is not None:
            return either
    reading = Reading(text=text, section=section, kb=kb)
    concept_found: list[Found] = []
    values: list[Constraint] = []
    for reader in READERS:
        if reader.find is not None:
            concept_found += reader.find(reading)
        if reader.read is not None:
            values += reader.read(reading)

    concept_found.sort(key=lambda f: (f.mention.start, -f.mention.end))
    # a gene or receptor named in an unavailable test result or as the label of an arm is
    # not asked of the person (see `asides.py`)
    labels = part_label_spans(text)
    if any(f.mention.label in _ASIDE_LABELS for f in concept_found):
        asides = unknown_result_spans(text) + labels
        concept_found = [
            f
            for f in concept_found
            if f.mention.label not in _ASIDE_LABELS
            or not inside(f.mention.start, f.mention.end, asides)
        ]
    scoped = scope(text, [f.mention for f in concept_found])
    by_mention = {s.mention: s for s in scoped}
    brain_allowance = any(
        s.mention.label == "BRAIN" and (s.allowed or s.conditional) for s in scoped
    ) or bool(BRAIN_CONDITIONS.search(text))
    setting: str | None = None
    # "in the metastatic setting (prior CDK4/6 inhibitors permitted in the adjuvant
    # setting)": the setting an allowance in brackets names is not the one asked about
    settled = _ALLOWANCE_ASIDE.sub(" ", text)
    if METASTATIC_SETTING.search(settled) and not EARLY_SETTING.search(settled):
        setting = "metastatic"
    elif EARLY_SETTING.search(settled) and not METASTATIC_SETTING.search(settled):
        setting = "early"

    therapies: list[tuple[Constraint, int, int]] = []
    gene_alternatives: list[Constraint] = []  # "HER2-altered": positive, or an ERBB2 mutation
    receptors: list[Constraint] = []
    receptor_gaps: list[bool] = []  # True where an "or" separates from the previous one
    others: list[Constraint] = []
    skipped: set[str] = set()
    last_receptor_end: int | None = None
    for item in concept_found:
        judged = by_mention.get(item.mention)
        if judged is None:
            continue
        c = item.constraint
        kind = c.type
        if judged.conditional or judged.excepted:
            skipped.add(kind)
            continue
        if kind == "brain_metastases" and brain_allowance:
            if section == "inclusion":
                skipped.add(kind)  # "patients with treated brain metastases are eligible"
                continue
            if c.statuses == ("any",):  # the exclusion spares treated, stable metastases
                c = c.model_copy(update={"statuses": ("active",)})
        if kind == "prior_therapy" and section == "inclusion" and not judged.negated:
            words = clause(text, item.mention.start, item.mention.end)
            days, counted_from = window_days(words)
            if counted_from == "reverse" and days and not _NOT_A_WASHOUT.search(words):
                # "at least 14 days since the last dose of X", "prior X allowed if stopped
                # ≥ 4 weeks before": a washout judged on stop dates, never a lifetime rule
                washout = c.model_copy(update={"since_stop_days": days, "setting": setting})
                therapies.append((washout, item.mention.start, item.mention.end))
                continue
            if counted_from is None and _WASHOUT_WORDS.search(text):
                continue  # a washout the reader could not measure: left to ask, not required
        if judged.allowed and not (
            kind == "brain_metastases" and item.extra.get("carve_out") and section == "exclusion"
        ):
            if not (kind == "alteration" and "EXAMPLE" in judged.categories):
                # genes given as examples ("DNA repair genes such as BRCA1, ATM") leave the
                # topic to ask about: the list is often the whole of what is meant
                skipped.add(kind)
            continue
        negated = judged.negated
        if judged.prohibited:
            # "must not have received X": absent in an inclusion; in an exclusion the same
            # words restate what excludes ("patients may not have received X")
            negated = section == "inclusion"
        if kind == "brain_metastases" and section == "exclusion":
            negated = False  # exclusions list what excludes; the state word carries the rest
        if kind == "prior_therapy":
            days, counted_from = window_days(clause(text, item.mention.start, item.mention.end))
            if counted_from is None and section == "exclusion":
                # "X, or any other Y in the 3 weeks before the first dose": the window at
                # the end of the sentence bounds every therapy it lists
                days, counted_from = window_days(sentence_of(text, item.mention.start))
            if counted_from is None and _HALF_LIVES.search(sentence_of(text, item.mention.start)):
                # "within 5 half-lives before the first dose": a waiting time whose length
                # depends on the drug; asked about, never read as a lifetime rule
                skipped.add(kind)
                continue
            if (
                counted_from == "reverse"
                and days
                and section == "inclusion"
                and _RELAPSE_AFTER.search(clause(text, item.mention.start, item.mention.end))
                and not _DE_NOVO.search(text)
            ):
                # "relapse at least 12 months after completing adjuvant therapy": a
                # treatment-free interval, judged on the relapse date
                c = c.model_copy(update={"relapse_after_days": days, "setting": setting})
            elif counted_from == "reverse":
                skipped.add(kind)
                continue
            elif (
                counted_from is None
                and section == "inclusion"
                and not negated
                and _PROGRESSED_ON.search(clause(text, item.mention.start, item.mention.end))
                and not _INTOLERANT.search(text)
            ):
                # "progression on or after a CDK4/6 inhibitor": the cancer must have grown
                # on it or since, not only have met it
                c = c.model_copy(update={"progressed_on": True, "setting": setting})
            else:
                words = clause(text, item.mention.start, item.mention.end)
                field = {
                    # "progression on or within 12 months of X": any growth counts, not
                    # only the first relapse
                    "after_stop": "progressed_on_within_days"
                    if _PROGRESSION.search(words) and not _RELAPSE_AFTER.search(words)
                    else "relapse_within_days",
                    "after_start": "progressed_within_days",
                }
                c = c.model_copy(
                    update={field.get(counted_from or "", "within_days"): days, "setting": setting}
                )
        if kind == "measurable_disease" and negated:
            skipped.add(kind)
            continue
        if (
            kind == "brain_metastases"
            and section == "inclusion"
            and not negated
            and not re.search(
                r"must have|presence of|evidence of|documented|with (?:\w+ ){0,3}"
                r"(?:brain|cns)",
                text,
                re.IGNORECASE,
            )
        ):
            skipped.add(kind)
            continue
        if kind == "disease_stage":
            negated = False  # "no evidence of metastasis" is read by the stage patterns
        if negated:
            c = c.model_copy(update={"negated": True})
        if kind == "prior_therapy":
            therapies.append((c, item.mention.start, item.mention.end))
            continue
        if kind in ("hormone_receptor", "her2", "triple_negative"):
            gap = last_receptor_end is not None and _or_between(
                text[last_receptor_end : item.mention.start]
            )
            receptors.append(c)
            receptor_gaps.append(gap)
            last_receptor_end = item.mention.end
            if item.extra.get("or_gene") and not negated:
                gene_alternatives.append(
                    Constraint(type="alteration", genes=("ERBB2",), words=c.words)
                )
        else:
            others.append(c)
    if section == "exclusion" and _RESTATES_EXCLUSION.search(text):
        # "prior endocrine therapy ... is not allowed": the "not" restates the exclusion
        therapies = [(c.model_copy(update={"negated": False}), a, b) for c, a, b in therapies]
    elif _STARTS_NEGATIVE.match(text) and any(c.negated for c, _, _ in therapies):
        # "No prior systemic therapy (chemotherapy, targeted or endocrine therapy)": the list
        # spells out what is ruled out
        therapies = [(c.model_copy(update={"negated": True}), a, b) for c, a, b in therapies]
    if therapies or any(c.type == "prior_lines" for c in values):
        # "chemotherapy for metastatic disease": the stage names the setting of the therapy
        others = [c for c in others if c.type != "disease_stage"]
    others += merge_therapies(text, therapies)
    others += values

    groups = receptor_groups(receptors, receptor_gaps)
    groups += [[alternative] for alternative in gene_alternatives]
    constraints: list[tuple[Constraint, ...]]
    if section == "inclusion":
        if groups:
            constraints = [(*g, *others) for g in groups]
        else:
            constraints = [tuple(others)] if others else []
    else:
        constraints = [tuple(g) for g in groups] + [(c,) for c in others]
    if (
        section == "exclusion"
        and len({c.type for g in constraints for c in g}) > 1
        and _JOINED_CONDITIONS.search(text)
    ):
        # "germline BRCA mutation without prior PARP inhibitor": both together exclude
        constraints = [tuple(c for g in constraints for c in g)]
    constraints = list(dict.fromkeys(constraints))
    flat = {c.type for g in constraints for c in g}
    topic_text = text
    for a, b in [*labels, *neurological_spans(text)]:
        # "the ESR1m arm" names a part of the study, "CNS disease such as stroke" an illness
        # that is not the cancer: neither is a topic to ask
        topic_text = topic_text[:a] + " " * (b - a) + topic_text[b:]
    topic_text = ANTI_HER2.sub(" ", topic_text)
    # "(any PR and HER2 status is allowed)": no requirement, so nothing to ask
    topic_text = _ANY_STATUS_ALLOWED.sub(" ", topic_text)
    if "her2" in flat:
        topic_text = re.sub(
            # "HER2 IHC 3+ or gene amplification (ISH ratio ≥ 2.0)": the amplification is
            # HER2's, already read (another gene's, "MYC amplification", names its gene)
            r"(?:(?:her-?2|erbb2)\s+)?(?:gene\s+)?amplification",
            " ",
            topic_text,
            flags=re.I,
        )
    for read_variant in (c for g in constraints for c in g if c.variants):
        # "HER2 exon 20 insertion", "KRAS G12C" were read: not an unread topic any more
        topic_text = variant_words(read_variant.genes).sub(" ", topic_text)
    topics = tuple(
        dict.fromkeys(
            name
            for name, pattern in TOPICS
            if name not in flat and name not in skipped and pattern.search(topic_text)
        )
    )
    if "prior_therapy" not in flat and planned_therapy(text, kb):
        topics = (*topics, "prior_therapy")
    return Criterion(
        text=text,
        section=section,
        group=raw.group,
        cohort=cohort,
        groups=tuple(constraints),
        topics=topics,
    )
