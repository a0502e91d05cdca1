"""A person's facts as the matcher needs them, computed once per match run, and the answer
to one constraint: met, not met, or unknown, with the record entry it rests on.

Pure: reads a `PatientRecord`, the knowledge base and the as-of date; no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from nextline.record.record import TherapyEntry
from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.variants import compare

Verdict = Literal["met", "not_met", "unknown"]

# HER2 categories (record/receptors.py) each criterion status accepts or rules out; a
# category in neither set leaves the criterion unknown.
_HER2_NEGATIVE = frozenset({"low", "ultralow", "zero", "zero_or_ultralow", "negative_unspecified"})
_HER2_RULES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "positive": (frozenset({"positive"}), _HER2_NEGATIVE),
    "negative": (_HER2_NEGATIVE, frozenset({"positive"})),
    "low": (frozenset({"low"}), frozenset({"positive", "ultralow", "zero", "zero_or_ultralow"})),
    "ultralow": (frozenset({"ultralow"}), frozenset({"positive", "low", "zero"})),
    "zero": (frozenset({"zero", "zero_or_ultralow"}), frozenset({"positive", "low", "ultralow"})),
    "expressing": (frozenset({"low", "positive"}), frozenset({"zero"})),
}
# A treatment that ended less than this many days ago and that a criterion asks to be
# this recent is a waiting time before starting the study, answered "unknown" not "met".
WASHOUT_DAYS = 90
# Drug classes that suppress the ovaries (or testes) and are given alongside endocrine therapy.
_SUPPRESSION = frozenset({"gnrh_agonist", "gnrh_antagonist"})
# Labs older than this on the as-of date are not used: trials re-check them at screening.
LAB_MAX_AGE_DAYS = 90


@dataclass(frozen=True, slots=True)
class Answer:
    verdict: Verdict
    path: str | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class _Entry:
    entry: TherapyEntry
    drug_ids: frozenset[str]
    class_ids: frozenset[str]
    families: frozenset[str]
    unresolved: bool
    # ovarian suppression (or a GnRH agonist for a man) on its own: it goes with endocrine
    # therapy and is not a line or a recent anticancer treatment by itself
    suppression_only: bool = False


@dataclass
class PatientFacts:
    """What the matcher reads about one person as of one date."""

    record: PatientRecord
    kb: Knowledge
    as_of: dt.date
    entries: list[_Entry] = field(default_factory=list)
    _remaining: list[str] | None = None  # standard options that fit, asked of the engine once

    @classmethod
    def build(cls, record: PatientRecord, kb: Knowledge, as_of: dt.date) -> PatientFacts:
        facts = cls(record, kb, as_of)
        for entry in record.drug_entries(as_of):
            drug_ids: set[str] = set()
            class_ids: set[str] = set()
            families: set[str] = set()
            unresolved = False
            for ref in entry.drugs:
                if ref.drug_id is None:
                    unresolved = True
                    continue
                drug = kb.drugs.get(ref.drug_id)
                if drug is None:
                    unresolved = True
                    continue
                drug_ids.add(drug.id)
                classes = kb.drug_class_ids(drug)
                class_ids |= classes
                families |= {kb.classes[c].family for c in classes}
                if drug.payload and drug.payload in kb.drugs:
                    payload = kb.drugs[drug.payload]
                    class_ids |= kb.drug_class_ids(payload)
            facts.entries.append(
                _Entry(
                    entry,
                    frozenset(drug_ids),
                    frozenset(class_ids),
                    frozenset(families),
                    unresolved,
                    bool(class_ids) and class_ids <= _SUPPRESSION and not unresolved,
                )
            )
        return facts

    # --- one constraint --------------------------------------------------------------
    def answer(self, c: Constraint) -> Answer:
        """The answer for one constraint, negation applied. (The matcher keeps each answer
        by the constraint's index, so nothing is cached here.)"""
        raw = _EVALUATORS[c.type](self, c)
        if c.negated and raw.verdict != "unknown":
            raw = Answer("not_met" if raw.verdict == "met" else "met", raw.path, raw.detail)
        return raw

    # --- biology ---------------------------------------------------------------------
    def _receptor(self, which: str) -> tuple[str, str | None, str]:
        reading = self.record.er(self.as_of) if which == "er" else self.record.pr(self.as_of)
        path = f"tumor_tests[{reading.test_index}]" if reading.test_index is not None else None
        return reading.status, path, f"{which.upper()} {reading.status.replace('_', ' ')}"

    def _percent_range(self, which: str) -> tuple[tuple[float, float] | None, str | None, str]:
        """The share of stained cells the record allows, as (lowest, highest): the percent
        when written, else the category's range (ASCO/CAP: under 1 % negative, 1-10 % low;
        "positive" without a percent is taken as any share from 1 %, since reports before
        the ER-low category called 1-10 % positive)."""
        status, path, detail = self._receptor(which)
        reading = self.record.er(self.as_of) if which == "er" else self.record.pr(self.as_of)
        test = (
            self.record.file.tumor_tests[reading.test_index]
            if reading.test_index is not None
            else None
        )
        value = getattr(test, which, None) if test is not None else None
        if value is not None and value.percent is not None:
            return (value.percent, value.percent), path, f"{which.upper()} {value.percent:g} %"
        ranges = {"negative": (0.0, 0.99), "low": (1.0, 10.0), "positive": (1.0, 100.0)}
        return ranges.get(status), path, detail

    def _percent(self, which: str, c: Constraint) -> Answer:
        span, path, detail = self._percent_range(which)
        if span is None:
            return Answer("unknown", None, f"{which.upper()} not in the record")
        low, high = span
        if _in_range(low, c) and _in_range(high, c):
            return Answer("met", path, detail)
        below = c.minimum is not None and (high <= c.minimum if c.strict else high < c.minimum)
        above = c.maximum is not None and (low >= c.maximum if c.strict else low > c.maximum)
        return Answer("not_met" if below or above else "unknown", path, detail)

    def hormone_receptor(self, c: Constraint) -> Answer:
        wanted = set(c.statuses)
        if "percent" in wanted:
            if c.receptor in ("er", "pr"):
                return self._percent(c.receptor, c)
            # "ER and/or PR ≥ 1 %": either is enough; "ER/PR < 10 %", "ER and PR 1-10 %":
            # both must be
            er_answer, pr_answer = self._percent("er", c), self._percent("pr", c)
            detail = f"{er_answer.detail}, {pr_answer.detail}"
            path = er_answer.path or pr_answer.path
            verdicts = (er_answer.verdict, pr_answer.verdict)
            either = c.maximum is None
            if ("met" in verdicts) if either else (verdicts == ("met", "met")):
                return Answer("met", path, detail)
            if (verdicts == ("not_met", "not_met")) if either else ("not_met" in verdicts):
                return Answer("not_met", path, detail)
            return Answer("unknown", path, detail)
        if c.receptor in ("er", "pr"):
            status, path, detail = self._receptor(c.receptor)
            if status == "not_tested":
                return Answer("unknown", None, f"{c.receptor.upper()} not in the record")
            if status in wanted:
                return Answer("met", path, detail)
            if status == "low":  # ER-low (1-10 %): trials differ on where it belongs
                return Answer("unknown", path, detail)
            return Answer("not_met", path, detail)
        er, er_path, er_detail = self._receptor("er")
        pr, pr_path, pr_detail = self._receptor("pr")
        path = er_path or pr_path
        detail = f"{er_detail}, {pr_detail}"
        if "positive" in wanted:
            if "positive" in (er, pr):
                return Answer("met", path, detail)
            if er == "negative" and pr == "negative":
                return Answer("not_met", path, detail)
            return Answer("unknown", path, detail)
        if "negative" in wanted:
            if er == "negative" and pr == "negative":
                return Answer("met", path, detail)
            if "positive" in (er, pr):
                return Answer("not_met", path, detail)
            return Answer("unknown", path, detail)
        return Answer("unknown", path, detail)

    def her2(self, c: Constraint) -> Answer:
        reading = self.record.her2(self.as_of)
        path = f"tumor_tests[{reading.test_index}]" if reading.test_index is not None else None
        category = reading.status
        detail = f"HER2 {category.replace('_', ' ')}"
        if category == "not_tested":
            return Answer("unknown", None, "no HER2 result in the record")
        any_unknown = False
        if "ihc2_not_amplified" in c.statuses:
            # IHC 2+ without amplification: one part of HER2-low, told apart by the IHC score
            test = self.record.file.tumor_tests[reading.test_index or 0].her2
            ihc = test.ihc if test is not None else None
            if category == "low" and ihc == "2+":
                return Answer("met", path, "HER2 IHC 2+, not amplified")
            if category != "low" or ihc in ("0", "1+"):
                return Answer("not_met", path, detail + (f" (IHC {ihc})" if ihc else ""))
            any_unknown = True
        for status in c.statuses:
            meets, fails = _HER2_RULES.get(status, (frozenset(), frozenset()))
            if category in meets:
                return Answer("met", path, detail)
            if category not in fails:
                any_unknown = True
        return Answer("unknown" if any_unknown else "not_met", path, detail)

    def triple_negative(self, c: Constraint) -> Answer:
        er, er_path, _ = self._receptor("er")
        pr, _, _ = self._receptor("pr")
        her2 = self.record.her2(self.as_of)
        detail = f"ER {er}, PR {pr}, HER2 {her2.status.replace('_', ' ')}"
        if "positive" in (er, pr) or her2.status == "positive":
            return Answer("not_met", er_path, detail)
        if er == "negative" and pr == "negative" and her2.status in _HER2_NEGATIVE:
            return Answer("met", er_path, detail)
        return Answer("unknown", er_path, detail)

    def _recorded_variants(self, gene: str) -> list[tuple[str | None, str]]:
        """The alterations of `gene` the record holds by the as-of date, with their paths
        (germline VUS and benign findings are not alterations)."""
        out: list[tuple[str | None, str]] = []
        for index, test in enumerate(self.record.file.tumor_tests):
            if test.date <= self.as_of:
                out += [
                    (v.alteration, f"tumor_tests[{index}]")
                    for v in test.variants
                    if v.gene.upper() == gene
                ]
        for index, germline in enumerate(self.record.file.germline_tests):
            if germline.date <= self.as_of:
                out += [
                    (v.alteration, f"germline_tests[{index}]")
                    for v in germline.variants
                    if v.gene.upper() == gene
                    and v.classification in ("pathogenic", "likely_pathogenic")
                ]
        return out

    def _variant(self, c: Constraint) -> Answer:
        """One named variant ("TP53 Y220C"): the same variant meets it, only other, spelled
        out variants do not, a change the record does not spell out is to find out."""
        gene = c.genes[0]
        wanted = " or ".join(c.variants)
        recorded = self._recorded_variants(gene)
        if not recorded:
            status, path = self.record.gene_status(gene, self.as_of)
            if status == "not_detected":
                return Answer("not_met", path, f"no {gene} alteration found")
            return Answer("unknown", None, f"no {gene} test in the record")
        answers = [
            (compare(v, alteration), alteration, path)
            for alteration, path in recorded
            for v in c.variants
        ]
        for verdict, alteration, path in answers:
            if verdict == "met":
                return Answer("met", path, f"{gene} {alteration} found")
        if all(verdict == "not_met" for verdict, _, _ in answers):
            found = ", ".join(dict.fromkeys(str(a) for _, a, _ in answers))
            return Answer("not_met", answers[0][2], f"{gene} {found} found, not {wanted}")
        return Answer(
            "unknown",
            recorded[0][1],
            f"{gene} change found; the record does not say if it is {wanted}",
        )

    def _tumor_tested(self, gene: str) -> bool:
        """Whether a test of the tumour (tissue or blood) looked at `gene`."""
        gene = gene.upper()
        return any(
            gene in {g.upper() for g in test.not_detected}
            or any(v.gene.upper() == gene for v in test.variants)
            for test in self.record.file.tumor_tests
            if test.date <= self.as_of
        )

    def alteration(self, c: Constraint) -> Answer:
        if c.variants and len(c.genes) == 1 and not c.germline:
            return self._variant(c)
        tested: list[str] = []
        path_any: str | None = None
        for gene in c.genes:
            if c.germline and self.record.germline_detected(gene, self.as_of):
                _, path = self.record.gene_status(gene, self.as_of)
                return Answer("met", path, f"germline {gene} variant found")
            status, path = self.record.gene_status(gene, self.as_of)
            if status == "detected" and not c.germline:
                return Answer("met", path, f"{gene} alteration found")
            if (
                status == "not_detected"
                and "somatic_possible" in c.statuses
                and not self._tumor_tested(gene)
            ):
                # an inherited test found nothing; a change in the tumour itself is still
                # possible until the tumour is tested for it
                path_any = path_any or path
                continue
            if status == "not_detected" or (status == "detected" and c.germline):
                tested.append(gene)
                path_any = path_any or path
        genes = " or ".join(c.genes)
        if len(tested) == len(c.genes):
            return Answer("not_met", path_any, f"no {genes} alteration found")
        if "somatic_possible" in c.statuses and path_any is not None:
            return Answer("unknown", path_any, f"no {genes} change inherited; tumor not tested")
        return Answer("unknown", path_any, f"no {genes} test in the record")

    # --- therapy ---------------------------------------------------------------------
    def _matching_entries(self, c: Constraint) -> list[_Entry]:
        drugs, classes, families = set(c.drug_ids), set(c.class_ids), set(c.families)
        out = []
        for e in self.entries:
            if not (drugs & e.drug_ids or classes & e.class_ids or families & e.families):
                continue
            if e.suppression_only and not (drugs & e.drug_ids or classes & _SUPPRESSION):
                continue  # "prior endocrine therapy" does not mean goserelin alone
            setting = e.entry.setting
            if c.setting == "metastatic" and not (setting == "metastatic" or e.entry.line):
                continue
            if c.setting == "early" and setting not in ("neoadjuvant", "adjuvant"):
                continue
            if c.within_days is not None:
                last = e.entry.stop or self.as_of
                if (self.as_of - min(last, self.as_of)).days > c.within_days:
                    continue
            if c.relapse_within_days is not None and not self._relapsed_on(
                e, c.relapse_within_days
            ):
                continue
            if c.progressed_on and not self._progressed_on(e, None):
                continue
            if c.progressed_on_within_days is not None and not self._progressed_on(
                e, c.progressed_on_within_days
            ):
                continue
            if c.relapse_after_days is not None and not self._relapsed_late(
                e, c.relapse_after_days
            ):
                continue
            if c.progressed_within_days is not None and not self._progressed_early(
                e, c.progressed_within_days
            ):
                continue
            out.append(e)
        return out

    def relapse_date(self) -> dt.date | None:
        """When the cancer came back or spread: `diagnosis.metastatic_since`, else the start
        of the first line for advanced disease."""
        since = self.record.file.diagnosis.metastatic_since
        if since is not None:
            return since
        lines = self.record.lines_as_of(self.as_of)
        return lines[0].start if lines else None

    def _progressed_early(self, e: _Entry, days: int) -> bool:
        """The cancer grew (or came back, after early-stage treatment) within `days` of
        starting the treatment."""
        start = e.entry.start
        if start is None:
            return False
        if e.entry.setting in ("neoadjuvant", "adjuvant"):
            event = self.relapse_date()
        else:
            event = e.entry.stop if e.entry.stop_reason == "progression" else None
        return event is not None and start <= event and (event - start).days <= days

    def _relapsed_late(self, e: _Entry, days: int) -> bool:
        """The cancer first came back at least `days` after the treatment stopped."""
        relapse, stop = self.relapse_date(), e.entry.stop
        if relapse is None or stop is None or e.entry.start is None or relapse < e.entry.start:
            return False
        return (relapse - stop).days >= days

    def _relapsed_on(self, e: _Entry, days: int) -> bool:
        relapse = self.relapse_date()
        start, stop = e.entry.start, e.entry.stop
        if relapse is None or start is None or relapse < start:
            return False
        return stop is None or (relapse - stop).days <= days

    def _progressed_on(self, e: _Entry, days: int | None) -> bool:
        """The cancer came back or grew while on the treatment or within `days` after it
        ("progression on or within 12 months of a CDK4/6 inhibitor"): the first spread
        counts, and so does each treatment stopped because the cancer grew."""
        start, stop = e.entry.start, e.entry.stop
        if start is None:
            return False
        events = [x.entry.stop for x in self.entries if x.entry.stop_reason == "progression"]
        events.append(self.relapse_date())
        return any(
            event is not None
            and start <= event <= self.as_of
            and (stop is None or days is None or (event - stop).days <= days)
            for event in events
        )

    def _stopped_long_enough(self, c: Constraint) -> Answer:
        """A washout ("at least 14 days since the last dose of chemotherapy"): every such
        therapy received stopped at least `since_stop_days` before the as-of date. A running
        one does not meet it; one stopped on a date the record does not give is unknown."""
        days = c.since_stop_days or 0
        # A short gap is a waiting time: stopping (the moment nextline is for) and waiting
        # meets it, so it is asked about, never a barrier. A long one stays a condition.
        waiting: Verdict = "unknown" if days <= WASHOUT_DAYS else "not_met"
        found = self._matching_entries(c)
        unknown: list[_Entry] = []
        for e in found:
            names = ", ".join(d.name for d in e.entry.drugs)
            stop = e.entry.stop
            if stop is None and e.entry.stop_reason is None:
                return Answer(
                    waiting,
                    e.entry.path,
                    f"{names} still being taken; the study asks for a gap of {days} days "
                    "after the last dose",
                )
            if stop is None:
                unknown.append(e)
            elif (self.as_of - stop).days < days:
                return Answer(
                    waiting,
                    e.entry.path,
                    f"{names} last given {stop}; the study asks for a gap of {days} days",
                )
        if unknown:
            e = unknown[-1]
            return Answer("unknown", e.entry.path, "the record does not say when it stopped")
        if found:
            e = found[-1]
            names = ", ".join(d.name for d in e.entry.drugs)
            return Answer("met", e.entry.path, f"{names} stopped {e.entry.stop}")
        if any(e.unresolved for e in self.entries):
            return Answer("unknown", None, "a treatment name in the record is not recognised")
        return Answer("met", None, "none in the treatment history")

    def prior_therapy(self, c: Constraint) -> Answer:
        if c.since_stop_days is not None:
            return self._stopped_long_enough(c)
        found = self._matching_entries(c)
        if found:
            e = found[-1]
            names = ", ".join(d.name for d in e.entry.drugs)
            when = f"{e.entry.start}" + (f" to {e.entry.stop}" if e.entry.stop else " (ongoing)")
            if c.within_days is not None and 0 < c.within_days <= WASHOUT_DAYS:
                # a recent or running treatment: a waiting time ("washout") after the last
                # dose, met by stopping and waiting, so asked about, not a barrier
                last = (
                    "still being taken"
                    if e.entry.stop is None or e.entry.stop >= self.as_of
                    else f"last given {e.entry.stop}"
                )
                return Answer(
                    "unknown",
                    e.entry.path,
                    f"{names}, {last}; the study asks for a gap of {c.within_days} days "
                    "after the last dose",
                )
            return Answer("met", e.entry.path, f"{names}, {when}")
        if any(e.unresolved for e in self.entries):
            return Answer("unknown", None, "a treatment name in the record is not recognised")
        timed = c.model_copy(
            update={
                "within_days": None,
                "relapse_within_days": None,
                "relapse_after_days": None,
                "progressed_on_within_days": None,
                "progressed_within_days": None,
                "progressed_on": False,
            }
        )
        if timed != c and (untimed := self._matching_entries(timed)):
            # received, but not at the time the criterion asks about
            e = untimed[-1]
            names = ", ".join(d.name for d in e.entry.drugs)
            if c.progressed_on and all(
                u.entry.stop is not None and u.entry.stop_reason is None for u in untimed
            ):
                # stopped, the reason not written down: whether it grew is for the team
                return Answer(
                    "unknown", e.entry.path, f"{names}: why it was stopped is not recorded"
                )
            if c.progressed_on and any(
                u.entry.stop is None
                and u.entry.start is not None
                and any(
                    a.disease_status in ("worsened", "mixed")
                    and u.entry.start <= a.date <= self.as_of
                    for a in self.record.file.assessments
                )
                for u in untimed
            ):
                # still taken, but the team's last look found growth: for them to confirm
                return Answer("unknown", e.entry.path, f"{names}: growth noted while taking it")
            if c.progressed_on:
                when = "no growth of the cancer recorded on it or since"
            elif c.within_days is not None and e.entry.stop is not None:
                when = f"last given {e.entry.stop}, more than {c.within_days} days ago"
            else:
                when = "not with the timing the study asks for"
            return Answer("not_met", e.entry.path, f"{names}: {when}")
        if c.soft:  # "unless contraindicated": whether it was is for the team to say
            return Answer(
                "unknown",
                None,
                "not in the treatment history; the study also takes people who could not have it",
            )
        return Answer("not_met", None, "not in the treatment history")

    def _agents(self, c: Constraint) -> Answer:
        """Different drugs of the named kind received ("at least two HER2-targeted agents"),
        in any setting unless the criterion names the advanced one. Ovarian suppression on
        its own is not counted as an endocrine drug."""
        classes, families = set(c.class_ids), set(c.families)
        names: dict[str, str] = {}
        path: str | None = None
        for e in self.entries:
            if c.setting == "metastatic" and not (e.entry.setting == "metastatic" or e.entry.line):
                continue
            for ref in e.entry.drugs:
                drug = self.kb.drugs.get(ref.drug_id) if ref.drug_id else None
                if drug is None:
                    continue
                ids = self.kb.drug_class_ids(drug)
                if ids and ids <= _SUPPRESSION:
                    continue
                kinds = {self.kb.classes[i].family for i in ids}
                if ids & classes or kinds & families:
                    names.setdefault(drug.id, drug.name)
                    path = e.entry.path
        n = len(names)
        what = " or ".join([*c.class_ids, *c.families]).replace("_", " ")
        listed = f": {', '.join(names.values())}" if names else ""
        detail = f"{n} different {what} drug{'s' if n != 1 else ''}{listed}"
        if _in_range(float(n), c):
            return Answer("met", path, detail)
        if any(e.unresolved for e in self.entries) and c.minimum is not None:
            return Answer("unknown", path, f"{detail}; a treatment name is not recognised")
        return Answer("not_met", path, detail)

    def prior_lines(self, c: Constraint) -> Answer:
        if c.count == "agents":
            return self._agents(c)
        suppression = {id(e.entry) for e in self.entries if e.suppression_only}
        lines = [
            line
            for line in self.record.lines_as_of(self.as_of)
            if not all(id(entry) in suppression for entry in line.entries)
        ]
        if "finished" in c.statuses:  # a line running now does not count
            lines = [line for line in lines if line.stop is not None and line.stop <= self.as_of]
        if c.families or c.class_ids:
            wanted, classes = set(c.families), set(c.class_ids)
            counted = [
                line
                for line in lines
                if any(
                    wanted & e.families or classes & e.class_ids
                    for e in self.entries
                    # goserelin given alongside chemotherapy does not make it an endocrine line
                    if e.entry in line.entries and not e.suppression_only
                )
            ]
        else:
            counted = list(lines)
        n = len(counted)
        path = counted[-1].entries[0].path if counted else None
        what = f" of {' or '.join(c.families)}" if c.families else ""
        detail = f"{n} line{'s' if n != 1 else ''}{what} for advanced disease"
        if "finished" in c.statuses:
            detail += " that ended"
        ok = _in_range(float(n), c)
        if ok and c.within_days is not None:
            started = [line.start for line in self.record.lines_as_of(self.as_of)]
            if started and (self.as_of - min(started)).days > c.within_days:
                first = min(started)
                return Answer(
                    "not_met",
                    path,
                    f"first treatment for the spread cancer began {first}, more than "
                    f"{c.within_days} days ago",
                )
        if ok and "progressed" in c.statuses and counted:
            last = counted[-1]
            stops = {e.stop_reason for e in last.entries}
            if not stops & {"progression", "toxicity"}:
                # the latest treatment is not recorded as stopped working: ask, never assume
                return Answer("unknown", path, f"{detail}; the latest is not recorded as stopped")
        return Answer("met" if ok else "not_met", path, detail)

    # --- disease ---------------------------------------------------------------------
    def _brain_state(self) -> tuple[str, str | None]:
        """none / treated_stable / active / unclear, and the metastases entry."""
        sites = self.record.metastatic_sites(self.as_of)
        for index, m in enumerate(self.record.file.metastases):
            if m in sites and m.site == "brain":
                path = f"metastases[{index}]"
                if (
                    m.treated in ("SRS", "WBRT", "surgery")
                    and m.stable is True
                    and m.on_steroids is not True
                ):
                    return "treated_stable", path
                if m.treated == "none" or m.stable is False:
                    return "active", path
                return "unclear", path
        return "none", None

    def brain_metastases(self, c: Constraint) -> Answer:
        state = c.statuses[0] if c.statuses else "any"
        if state == "leptomeningeal":
            has = self.record.has_site("leptomeninges", self.as_of)
            return Answer(
                "met" if has else "not_met",
                None,
                "leptomeningeal disease recorded" if has else "no leptomeningeal disease recorded",
            )
        brain, path = self._brain_state()
        words = {
            "none": "no brain metastases recorded",
            "treated_stable": "brain metastases, treated and stable",
            "active": "brain metastases, active",
            "unclear": "brain metastases; whether treated and stable is not recorded",
        }
        detail = words[brain]
        if state == "any":
            return Answer("not_met" if brain == "none" else "met", path, detail)
        if brain == "active":
            return Answer("met", path, detail)
        if brain in ("none", "treated_stable"):
            return Answer("not_met", path, detail)
        return Answer("unknown", path, detail)

    def measurable_disease(self, c: Constraint) -> Answer:
        sites = {m.site for m in self.record.metastatic_sites(self.as_of)}
        if "is_bone_only" in c.statuses:  # an exclusion of bone-only disease
            if not sites:
                return Answer(
                    "unknown", "metastases", "where the cancer has spread is not recorded"
                )
            if sites == {"bone"}:
                return Answer("met", "metastases", "bone-only disease")
            return Answer("not_met", "metastases", f"spread to: {', '.join(sorted(sites))}")
        measured = self._measurable()
        if measured.verdict != "met" and {"bone", "bone_qualified"} & set(c.statuses):
            # "measurable disease or evaluable bone lesions": any bone metastasis
            if "bone" in sites:
                if "bone" in c.statuses:
                    return Answer("met", "metastases", "bone metastases")
                return Answer(
                    "unknown", "metastases", "bone metastases; the study accepts only some kinds"
                )
            return measured
        if measured.verdict == "met" or not {"bone_only", "bone_only_qualified"} & set(c.statuses):
            return measured
        # "measurable or bone-only disease": bone-only disease is the other way in
        if sites == {"bone"}:
            if "bone_only" in c.statuses:
                return Answer("met", "metastases", "bone-only disease")
            return Answer(
                "unknown", "metastases", "bone-only disease; the study accepts only some kinds"
            )
        return measured

    def _measurable(self) -> Answer:
        scans = [(i, s) for i, s in enumerate(self.record.imaging) if s.date <= self.as_of]
        scans = [(i, s) for i, s in scans if s.lesions]
        if not scans:
            return Answer("unknown", None, "no scan with lesions in the record")
        index, scan = max(scans, key=lambda pair: pair[1].date)
        targets = [
            lesion
            for lesion in scan.lesions
            if lesion.role == "target"
            and not lesion.too_small_to_measure
            and (lesion.longest_mm or lesion.short_axis_mm)
        ]
        if targets:
            return Answer(
                "met",
                f"imaging[{index}]",
                f"{len(targets)} target lesion(s) on the {scan.date} scan",
            )
        return Answer("unknown", f"imaging[{index}]", "no measured target lesion on the last scan")

    def disease_stage(self, c: Constraint) -> Answer:
        metastatic = self.record.file.diagnosis.metastatic_since is not None or bool(
            self.record.metastatic_sites(self.as_of)
        )
        if not metastatic:
            return Answer("unknown", "diagnosis", "metastatic spread not recorded")
        if "de_novo" in c.statuses:  # spread already when the cancer was first found
            # only as the record states it: dates alone would need a cut-off no source gives
            presentation = self.record.file.diagnosis.presentation
            if presentation is None:
                return Answer("unknown", "diagnosis", "whether it had spread when first found")
            de_novo = presentation == "de_novo"
            words = "spread when first found" if de_novo else "came back after earlier treatment"
            return Answer("met" if de_novo else "not_met", "diagnosis", words)
        meets = "advanced" in c.statuses
        return Answer("met" if meets else "not_met", "diagnosis", "metastatic breast cancer")

    def condition(self, c: Constraint) -> Answer:
        kind = c.statuses[0] if c.statuses else "other"
        if kind == "breast":
            return Answer("met", "diagnosis", "breast cancer")
        if kind == "any_solid_tumor":
            return Answer("unknown", "diagnosis", "the study is for several cancer types")
        return Answer("not_met", "diagnosis", f"the study is for: {c.words}")

    def disease_site(self, c: Constraint) -> Answer:
        """Where the cancer is now (`metastases[]`): at a site, mainly there (only there is
        sure; there and elsewhere is asked, since how much is where is not recorded), or
        only there. No site recorded: asked."""
        sites = {m.site for m in self.record.metastatic_sites(self.as_of)}
        site, how = c.statuses[0], c.statuses[1] if len(c.statuses) > 1 else "present"
        if how == "only":
            sites.discard("leptomeninges")  # never measurable (RECIST 1.1): not "outside"
        if not sites:
            return Answer("unknown", None, "where the cancer has spread is not recorded")
        where = f"recorded sites: {', '.join(sorted(sites))}"
        if site not in sites:
            return Answer("not_met", "metastases", where)
        if how == "present" or sites == {site}:
            return Answer("met", "metastases", where)
        if how == "only":
            return Answer("not_met", "metastases", where)
        return Answer("unknown", "metastases", f"{where}; how much is where is not recorded")

    def since_diagnosis(self, c: Constraint) -> Answer:
        """How long ago the cancer was first found: `first_diagnosed`, or when it was found
        already spread (`metastatic_since` of a de novo presentation). Not recorded: asked."""
        diagnosis = self.record.file.diagnosis
        found = diagnosis.first_diagnosed
        if found is None and diagnosis.presentation == "de_novo":
            found = diagnosis.metastatic_since
        if found is None:
            return Answer("unknown", None, "the date of diagnosis is not recorded")
        days = (self.as_of - found).days
        verdict: Verdict = "met" if _in_range(float(days), c) else "not_met"
        return Answer(verdict, "diagnosis", f"diagnosed {found}, {days} days ago")

    def comorbidity(self, c: Constraint) -> Answer:
        """HIV, hepatitis B or another cancer among the person's other conditions
        (`comorbidities[]`). An exclusion only for an active or uncontrolled infection is
        asked (the study team judges it); another cancer counts within the study's window.
        Nothing recorded is not proof of nothing: asked."""
        name = c.statuses[0] if c.statuses else ""
        pattern = _CONDITION_WORDS.get(name)
        found = [
            (index, item)
            for index, item in enumerate(self.record.file.comorbidities)
            if pattern is not None
            and pattern.search(item.condition)
            and not (name == "other_cancer" and re.search(r"\bbreast\b", item.condition, re.I))
        ]
        if not found:
            return Answer("unknown", None, "not among the other health conditions recorded")
        index, item = found[-1]
        path, what = f"comorbidities[{index}]", item.condition
        if "active" in c.statuses:
            return Answer("unknown", path, f"{what} recorded; whether it is active is for the team")
        if c.within_days is not None:
            recent = [i for _, i in found if i.since is not None]
            if not recent:
                return Answer("unknown", path, f"{what}; when it was found is not recorded")
            latest = max(i.since for i in recent if i.since is not None)
            if (self.as_of - latest).days > c.within_days:
                return Answer("not_met", path, f"{what}, since {latest}")
            return Answer("met", path, f"{what}, since {latest}")
        return Answer("met", path, what)

    def tumor_profiling(self, c: Constraint) -> Answer:
        """A genomic test of the tumour (NGS, tissue or blood) with a result in the record;
        none recorded is not proof that none was done: asked."""
        for index, test in enumerate(self.record.file.tumor_tests):
            if test.date <= self.as_of and (test.variants or test.not_detected):
                name = test.test_name or "gene test of the tumor"
                return Answer("met", f"tumor_tests[{index}]", f"{name}, {test.date}")
        return Answer("unknown", None, "no genomic test of the tumor in the record")

    def standard_options(self, c: Constraint) -> Answer:
        """ "No standard therapy left": not met while the options engine finds standard
        treatments that fit; otherwise unknown (only the study team can say)."""
        remaining = self._standard_options()
        if remaining:
            shown = ", ".join(remaining[:3])
            verdict: Verdict = "unknown" if c.soft else "not_met"
            if c.soft and not any(
                line.stop is not None and line.stop <= self.as_of
                for line in self.record.lines_as_of(self.as_of)
            ):
                # "progressed on standard therapies": no treatment of the spread cancer has
                # ended yet, so none has stopped working
                verdict = "not_met"
                shown += "; no treatment for the cancer that has spread has ended yet"
            return Answer(verdict, "options", f"standard options that fit remain: {shown}")
        return Answer("unknown", "options", "no standard option found that fits; ask the team")

    def _standard_options(self) -> list[str]:
        if self._remaining is None:
            from nextline.options import list_options

            result = list_options(self.record, self.kb, self.as_of)
            self._remaining = [
                o.name for o in result.options if o.kind == "systemic" and o.verdict == "fits"
            ]
        return self._remaining

    # --- person ----------------------------------------------------------------------
    def performance_status(self, c: Constraint) -> Answer:
        if c.scale == "karnofsky":
            return Answer("unknown", None, "Karnofsky score not in the record")
        ecog = self.record.latest_ecog(self.as_of)
        if ecog is None:
            return Answer("unknown", None, "no ECOG score in the record")
        index = self.record.file.performance.index(ecog)
        ok = _in_range(float(ecog.ecog), c)
        verdict: Verdict = "met" if ok else ("unknown" if c.soft else "not_met")
        return Answer(verdict, f"performance[{index}]", f"ECOG {ecog.ecog} on {ecog.date}")

    def age(self, c: Constraint) -> Answer:
        age = self.record.age_on(self.as_of)
        if age is None:
            return Answer("unknown", None, "no birth date in the record")
        path = "patient"
        ok = _in_range(float(age), c)
        if self.record.file.patient.birth_date is None and ok != _in_range(float(age + 1), c):
            return Answer("unknown", path, f"{age} or {age + 1} years (birth year only)")
        return Answer("met" if ok else "not_met", path, f"{age} years")

    def sex(self, c: Constraint) -> Answer:
        sex = self.record.file.patient.sex
        return Answer("met" if sex in c.statuses else "not_met", "patient", sex)

    def menopausal_status(self, c: Constraint) -> Answer:
        status = self.record.file.patient.menopausal_status
        if status is None:
            return Answer("unknown", "patient", "menopausal status not recorded")
        return Answer("met" if status in c.statuses else "not_met", "patient", status)

    def lab(self, c: Constraint) -> Answer:
        test_id = c.test_id or ""
        latest = self.record.latest_lab(test_id, self.as_of)
        name = self.kb.lab_tests[test_id].name if test_id in self.kb.lab_tests else test_id
        if latest is None:
            return Answer("unknown", None, f"no {name} result in the record")
        age_days = (self.as_of - latest.date).days
        if c.unit == "xULN":
            value = latest.uln_multiple
            shown = f"{value:g} × ULN" if value is not None else ""
        else:
            value = latest.canonical_value
            shown = f"{value:g} {latest.canonical_unit}" if value is not None else ""
        if value is None:
            return Answer("unknown", latest.path, f"{name} result cannot be compared")
        detail = f"{name} {shown} on {latest.date}"
        if age_days > LAB_MAX_AGE_DAYS:
            return Answer("unknown", latest.path, f"{detail} (older than {LAB_MAX_AGE_DAYS} days)")
        if c.liver_maximum is not None:
            sites = {m.site for m in self.record.metastatic_sites(self.as_of)}
            if "liver" in sites:  # the study's higher limit for liver metastases
                c = c.model_copy(update={"maximum": c.liver_maximum})
                detail += " (the limit for liver metastases)"
        ok = _in_range(value, c)
        if not ok and c.soft:
            return Answer("unknown", latest.path, detail)
        return Answer("met" if ok else "not_met", latest.path, detail)


def _in_range(value: float, c: Constraint) -> bool:
    if c.minimum is not None and (value <= c.minimum if c.strict else value < c.minimum):
        return False
    return not (c.maximum is not None and (value >= c.maximum if c.strict else value > c.maximum))


_EVALUATORS = {
    "condition": PatientFacts.condition,
    "disease_stage": PatientFacts.disease_stage,
    "hormone_receptor": PatientFacts.hormone_receptor,
    "her2": PatientFacts.her2,
    "triple_negative": PatientFacts.triple_negative,
    "alteration": PatientFacts.alteration,
    "prior_therapy": PatientFacts.prior_therapy,
    "prior_lines": PatientFacts.prior_lines,
    "brain_metastases": PatientFacts.brain_metastases,
    "measurable_disease": PatientFacts.measurable_disease,
    "performance_status": PatientFacts.performance_status,
    "age": PatientFacts.age,
    "sex": PatientFacts.sex,
    "menopausal_status": PatientFacts.menopausal_status,
    "lab": PatientFacts.lab,
    "standard_options": PatientFacts.standard_options,
    "tumor_profiling": PatientFacts.tumor_profiling,
    "disease_site": PatientFacts.disease_site,
    "comorbidity": PatientFacts.comorbidity,
    "since_diagnosis": PatientFacts.since_diagnosis,
}

# the words by which a recorded condition is HIV, hepatitis B or another cancer
_CONDITION_WORDS = {
    "hiv": re.compile(r"\bhiv\b|human immunodeficiency virus", re.IGNORECASE),
    "hepatitis_b": re.compile(r"hepatitis b|\bhbv\b", re.IGNORECASE),
    "other_cancer": re.compile(
        r"cancer|carcinoma|malignan|lymphoma|leuka?emia|melanoma|sarcoma|myeloma|tumou?r",
        re.IGNORECASE,
    ),
}
