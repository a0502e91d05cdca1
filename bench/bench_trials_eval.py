"""The labelled trial-matching evaluation: ten invented people, thirty bundled breast trials
read by hand (`bench/trials_eval/labels.yaml`), and how nextline's verdicts and ranking
compare with those labels, beside a plain BM25 keyword ranking of the same trials.

Why: the matcher's rules are judged against what a careful reader of the criteria concludes,
not against its own output. The labels are the yardstick; change them only with a reason.

Run: `.venv/bin/python bench/bench_trials_eval.py` (no network; about half a minute the first
time, while spaCy reads the criteria). Prints, per person and overall:
- precision of `likely_eligible` (share labelled compatible) and how many incompatible
  trials were called `likely_eligible` (the target is none);
- recall: share of compatible trials listed as likely or possibly eligible (target >= 90 %);
- top-k: share of compatible trials among the first k listed, k = min(10, compatible trials
  for that person) so a person with three compatible trials is judged on the first three
  (target >= 75 %); the same for BM25.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent / "trials_eval"
LABELS = HERE / "labels.yaml"
PEOPLE = HERE / "people"
SHOWN = ("likely_eligible", "possibly_eligible")


@dataclass
class PersonScore:
    person: str
    compatible: int
    likely: int
    likely_compatible: int
    likely_incompatible: list[str]
    listed_compatible: int
    missed: list[str]
    top_k: int
    top_hits: int
    bm25_hits: int
    order: list[tuple[str, str, str]] = field(default_factory=list)  # nct, verdict, label


def load_labels(path: Path = LABELS) -> tuple[dt.date, dict[str, dict[str, tuple[str, str]]]]:
    """The as-of date and `{nct_id: {person: (label, why)}}` with defaults expanded."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    people = sorted(p.stem.split("-")[0] for p in PEOPLE.glob("*.yaml"))
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for nct, entry in data["trials"].items():
        default = entry["default"]
        given = entry.get("people") or {}
        unknown = set(given) - set(people)
        if unknown:
            raise ValueError(f"{nct}: labels for unknown people {sorted(unknown)}")
        out[nct] = {
            p: (given[p][0], given[p][1]) if p in given else (default[0], default[1])
            for p in people
        }
        for person, (label, _) in out[nct].items():
            if label not in ("compatible", "unknown", "incompatible"):
                raise ValueError(f"{nct}/{person}: label {label!r}")
    return data["as_of"], out


_TOKEN = re.compile(r"[a-z0-9]+(?:[+-][a-z0-9]*)?")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def bm25_rank(
    query: list[str], docs: dict[str, str], k1: float = 1.5, b: float = 0.75
) -> list[str]:
    """Document ids best first by Okapi BM25 (the keyword baseline)."""
    tokenised = {key: tokens(text) for key, text in docs.items()}
    n = len(tokenised)
    avg = sum(len(t) for t in tokenised.values()) / max(n, 1)
    df: Counter[str] = Counter()
    for words in tokenised.values():
        df.update(set(words))
    terms = [t for q in query for t in tokens(q)]
    scores = {}
    for key, words in tokenised.items():
        counts = Counter(words)
        score = 0.0
        for term in terms:
            if term not in counts:
                continue
            idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            tf = counts[term]
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(words) / avg))
        scores[key] = score
    return sorted(scores, key=lambda k: (-scores[k], k))


def evaluate() -> list[PersonScore]:
    """Score every labelled person (pure apart from reading the bundled files)."""
    from nextline.knowledge import load_knowledge
    from nextline.record import load_record
    from nextline.trials.catalog import load_default_catalog
    from nextline.trials.matching import match_trials, person_terms
    from nextline.trials.prepared import prepare_catalog

    as_of, labels = load_labels()
    kb = load_knowledge()
    catalog = load_default_catalog()
    trials = [t for t in catalog.trials if t.nct_id in labels]
    missing = set(labels) - {t.nct_id for t in trials}
    if missing:
        raise ValueError(f"labelled trials not in the bundled catalog: {sorted(missing)}")
    docs = {
        t.nct_id: " ".join([t.title, *t.conditions, t.summary or "", t.eligibility_text])
        for t in trials
    }
    prepared = prepare_catalog(trials, kb)  # read the criteria once for everyone
    scores = []
    for path in sorted(PEOPLE.glob("*.yaml")):
        person = path.stem.split("-")[0]
        record = load_record(path, kb, as_of)
        matches = match_trials(record, kb, prepared, as_of, include_ineligible=True)
        label = {nct: labels[nct][person][0] for nct in labels}
        compatible = [nct for nct, lab in label.items() if lab == "compatible"]
        likely = [m.trial.nct_id for m in matches if m.verdict == "likely_eligible"]
        shown = [m.trial.nct_id for m in matches if m.verdict in SHOWN]
        k = min(10, len(compatible))
        bm25 = bm25_rank(person_terms(record, as_of), docs)
        scores.append(
            PersonScore(
                person=person,
                compatible=len(compatible),
                likely=len(likely),
                likely_compatible=sum(1 for n in likely if label[n] == "compatible"),
                likely_incompatible=[n for n in likely if label[n] == "incompatible"],
                listed_compatible=sum(1 for n in compatible if n in shown),
                missed=[n for n in compatible if n not in shown],
                top_k=k,
                top_hits=sum(1 for n in shown[:k] if label[n] == "compatible"),
                bm25_hits=sum(1 for n in bm25[:k] if label[n] == "compatible"),
                order=[(m.trial.nct_id, m.verdict, label[m.trial.nct_id]) for m in matches],
            )
        )
    return scores


def summary(scores: list[PersonScore]) -> dict[str, Any]:
    likely = sum(s.likely for s in scores)
    compatible = sum(s.compatible for s in scores)
    judged = [s for s in scores if s.top_k]
    return {
        "likely_precision": sum(s.likely_compatible for s in scores) / likely if likely else 1.0,
        "likely_incompatible": sum(len(s.likely_incompatible) for s in scores),
        "recall": sum(s.listed_compatible for s in scores) / compatible if compatible else 1.0,
        "top_k_min": min((s.top_hits / s.top_k for s in judged), default=1.0),
        "top_k_mean": sum(s.top_hits / s.top_k for s in judged) / len(judged) if judged else 1.0,
        "bm25_top_k_mean": sum(s.bm25_hits / s.top_k for s in judged) / len(judged)
        if judged
        else 1.0,
    }


def main() -> int:
    scores = evaluate()
    print(
        f"{'person':6} {'compat':>6} {'likely':>6} {'L-prec':>6} {'L-bad':>5} "
        f"{'recall':>6} {'top-k':>7} {'bm25':>7}"
    )
    for s in scores:
        prec = f"{s.likely_compatible / s.likely:.0%}" if s.likely else "-"
        recall = f"{s.listed_compatible / s.compatible:.0%}" if s.compatible else "-"
        top = f"{s.top_hits}/{s.top_k}" if s.top_k else "-"
        bm = f"{s.bm25_hits}/{s.top_k}" if s.top_k else "-"
        print(
            f"{s.person:6} {s.compatible:6} {s.likely:6} {prec:>6} "
            f"{len(s.likely_incompatible):5} {recall:>6} {top:>7} {bm:>7}"
        )
        for nct in s.likely_incompatible:
            print(f"         likely_eligible but labelled incompatible: {nct}")
        for nct in s.missed:
            print(f"         compatible but not listed: {nct}")
    total = summary(scores)
    print()
    print(
        f"precision of likely_eligible: {total['likely_precision']:.0%} "
        f"({total['likely_incompatible']} incompatible called likely; target 0)"
    )
    print(
        f"recall of compatible trials (likely or possibly): {total['recall']:.0%} (target >= 90 %)"
    )
    print(
        f"compatible share of each top k=min(10, compatible): mean {total['top_k_mean']:.0%}, "
        f"worst {total['top_k_min']:.0%} (target >= 75 %)"
    )
    print(f"BM25 keyword ranking of the same trials: mean {total['bm25_top_k_mean']:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
