"""Measure the eligibility parser on the LCT / LeafAI annotated criteria (brat standoff).

Reads `../shared/data/eligibility_annotations/lct_leaf_brat.jsonl.gz` (1,006 trials with
gold annotations; see its SOURCE.md) and prints precision and recall, criterion line by
criterion line, for:
  - age thresholds (operator direction and value),
  - ECOG performance status ranges,
  - lab thresholds for the tests the matcher uses (test and direction),
  - negation of annotated concepts (Condition, Drug, Procedure, Observation spans), judged
    by the ConText rules the parser uses.

Run: `.venv/bin/python scripts/measure_parser.py [path]`. Prints a Markdown report.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT = (
    Path(__file__).resolve().parents[2]
    / "shared/data/eligibility_annotations/lct_leaf_brat.jsonl.gz"
)

LAB_NAMES = {
    "anc": r"absolute neutrophil|\banc\b|neutrophil|granulocyte|\bagc\b",
    "platelets": r"platelet|\bplt\b",
    "hemoglobin": r"ha?emoglobin|\bhgb\b|\bhb\b",
    "bilirubin": r"bilirubin",
    "creatinine": r"creatinine(?! clearance)",
    "ast": r"\bast\b|aspartate|sgot",
    "alt": r"\balt\b|alanine|sgpt",
}


@dataclass
class Doc:
    text: str
    spans: dict[str, tuple[str, int, int, str]] = field(default_factory=dict)  # T id
    events: dict[str, tuple[str, dict[str, list[str]]]] = field(default_factory=dict)
    attrs: dict[str, dict[str, str]] = field(default_factory=dict)


def parse_ann(text: str, ann: str) -> Doc:
    doc = Doc(text)
    for line in ann.split("\n"):
        if not line.strip():
            continue
        parts = line.split("\t")
        key = parts[0]
        if key.startswith("T") and len(parts) >= 3:
            kind, *offsets = parts[1].split(" ")
            try:
                start, end = int(offsets[0]), int(offsets[-1].split(";")[-1])
            except ValueError:
                continue
            doc.spans[key] = (kind, start, end, parts[2])
        elif key.startswith("E") and len(parts) >= 2:
            args = parts[1].split()
            head_type, head = args[0].split(":", 1)
            roles: dict[str, list[str]] = {"_trigger": [head]}
            for arg in args[1:]:
                if ":" in arg:
                    role, target = arg.split(":", 1)
                    roles.setdefault(re.sub(r"\d+$", "", role), []).append(target)
            doc.events[key] = (head_type, roles)
        elif key.startswith("A") and len(parts) >= 2:
            bits = parts[1].split()
            if len(bits) >= 3:
                doc.attrs.setdefault(bits[1], {})[bits[0]] = bits[2]
    return doc


def lines_of(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append((pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def span_text(doc: Doc, ref: str) -> str:
    if ref in doc.spans:
        return doc.spans[ref][3]
    if ref in doc.events:
        return span_text(doc, doc.events[ref][1]["_trigger"][0])
    return ""


def start_of(doc: Doc, ref: str) -> int | None:
    if ref in doc.spans:
        return doc.spans[ref][1]
    if ref in doc.events:
        return start_of(doc, doc.events[ref][1]["_trigger"][0])
    return None


def comparison(doc: Doc, ref: str) -> tuple[str | None, list[float], str | None]:
    """(operator, values, temporal unit) of an Eq-Comparison event."""
    if ref not in doc.events:
        return None, [], None
    _, roles = doc.events[ref]
    op = None
    for t in roles.get("Operator", []):
        op = doc.attrs.get(t, {}).get("Eq-Operator-Value", op)
    values = []
    for role in ("Value", "Value2"):
        for t in roles.get(role, []):
            found = re.search(r"\d+(?:\.\d+)?", span_text(doc, t).replace(",", ""))
            if found:
                values.append(float(found.group(0)))
    unit = None
    for t in roles.get("Temporal-Unit", []):
        unit = doc.attrs.get(t, {}).get("Eq-Temporal-Unit-Value", unit)
    return op, values, unit


def bounds(op: str | None, values: list[float]) -> tuple[float | None, float | None] | None:
    if not values:
        return None
    if op == "BETWEEN" and len(values) >= 2:
        return min(values), max(values)
    v = values[0]
    return {
        "GTEQ": (v, None),
        "GT": (v, None),
        "LTEQ": (None, v),
        "LT": (None, v),
        "EQ": (v, v),
    }.get(op or "")


def same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < 1e-6)


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def row(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"| {name} | {self.tp} | {self.fp} | {self.fn} | {p:.2f} | {r:.2f} | {f:.2f} |"


def main(path: Path) -> None:
    from nextline.knowledge import load_knowledge
    from nextline.trials.eligibility.extract import read_criterion
    from nextline.trials.eligibility.nlp import Mention, scope
    from nextline.trials.eligibility.split import RawCriterion, clean_text

    kb = load_knowledge()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    scores = {k: Score() for k in ("age", "ecog", "lab", "negation")}
    seen = Counter[str]()
    for row in rows:
        doc = parse_ann(row["text"], row["ann"])
        gold: dict[int, dict[str, Any]] = {}
        lines = lines_of(doc.text)

        def line_index(pos: int | None, lines: list[tuple[int, int, str]] = lines) -> int | None:
            if pos is None:
                return None
            for i, (a, b, _) in enumerate(lines):
                if a <= pos <= b:
                    return i
            return None

        negation_targets: set[str] = set()
        for _, (kind, roles) in doc.events.items():
            if kind == "Negation":
                negation_targets.update(roles.get("Negates", []))
        concepts: dict[int, list[tuple[str, int, int]]] = {}
        for eid, (kind, roles) in doc.events.items():
            trigger = roles["_trigger"][0]
            where = line_index(start_of(doc, trigger))
            if where is None:
                continue
            slot = gold.setdefault(where, {"age": [], "ecog": [], "lab": []})
            if kind in ("Condition", "Drug", "Procedure", "Observation") and trigger in doc.spans:
                _, s, e, _ = doc.spans[trigger]
                concepts.setdefault(where, []).append(
                    (
                        "neg"
                        if (eid in negation_targets or trigger in negation_targets)
                        else "pos",
                        s,
                        e,
                    )
                )
            filt = roles.get("Numeric-Filter", [])
            if not filt:
                continue
            op, values, unit = comparison(doc, filt[0])
            limits = bounds(op, values)
            if limits is None:
                continue
            name = span_text(doc, roles.get("Name", [trigger])[0]).lower()
            if kind == "Age" and unit in (None, "year"):
                slot["age"].append(limits)
            elif kind == "Observation" and re.search(r"ecog|eastern cooperative", name):
                slot["ecog"].append(limits)
            elif kind == "Observation":
                for test_id, pattern in LAB_NAMES.items():
                    if re.search(pattern, name):
                        direction = "min" if limits[0] is not None else "max"
                        slot["lab"].append((test_id, direction))
                        break
        for index, (a, _b, raw) in enumerate(lines):
            text = raw.strip()
            if not text:
                continue
            read = read_criterion(RawCriterion(clean_text(text), "inclusion", None, None), kb)
            cons = read.constraints
            g = gold.get(index, {"age": [], "ecog": [], "lab": []})
            # age
            ages = [(c.minimum, c.maximum) for c in cons if c.type == "age"]
            for got in ages:
                hit = any(same(got[0], w[0]) and same(got[1], w[1]) for w in g["age"]) or any(
                    (got[0] is not None and same(got[0], w[0]))
                    or (got[1] is not None and same(got[1], w[1]))
                    for w in g["age"]
                )
                if hit:
                    scores["age"].tp += 1
                else:
                    scores["age"].fp += 1
            scores["age"].fn += max(0, len(g["age"][:1]) - len(ages[:1]))
            # ecog
            ecog = [
                (c.minimum, c.maximum)
                for c in cons
                if c.type == "performance_status" and c.scale == "ecog"
            ]
            for got in ecog:
                wanted = [(w[0] if w[0] is not None else 0.0, w[1]) for w in g["ecog"]]
                low = got[0] if got[0] is not None else 0.0
                if any(same(low, w[0]) and same(got[1], w[1]) for w in wanted):
                    scores["ecog"].tp += 1
                else:
                    scores["ecog"].fp += 1
            scores["ecog"].fn += max(0, len(g["ecog"][:1]) - len(ecog[:1]))
            # labs
            labs = {
                (c.test_id, "min" if c.minimum is not None else "max")
                for c in cons
                if c.type == "lab"
            }
            gold_labs = set(g["lab"])
            scores["lab"].tp += len(labs & gold_labs)
            scores["lab"].fp += len(labs - gold_labs)
            scores["lab"].fn += len(gold_labs - labs)
            # negation of annotated concepts, by ConText with the parser's rules
            spans = concepts.get(index, [])
            if spans:
                offset = a + (len(raw) - len(raw.lstrip()))
                mentions = [
                    Mention(s - offset, e - offset, label)
                    for label, s, e in spans
                    if 0 <= s - offset < e - offset <= len(text)
                ]
                for judged in scope(text, mentions):
                    predicted = judged.negated or judged.prohibited
                    truth = judged.mention.label == "neg"
                    seen["concepts"] += 1
                    if predicted and truth:
                        scores["negation"].tp += 1
                    elif predicted:
                        scores["negation"].fp += 1
                    elif truth:
                        scores["negation"].fn += 1
        seen["trials"] += 1
    print(f"Trials: {seen['trials']}; annotated concepts judged for negation: {seen['concepts']}\n")
    print("| what | true positives | false positives | false negatives | precision | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    names = {
        "age": "Age threshold (direction and value)",
        "ecog": "ECOG range",
        "lab": "Lab threshold (ANC, platelets, Hb, bilirubin, creatinine, AST, ALT: test "
        "and direction)",
        "negation": "Negation of annotated concepts (ConText)",
    }
    for key, score in scores.items():
        print(score.row(names[key]))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
