"""One variant of a gene, as trials name it and as records hold it: a protein change
("Y220C", "p.G12C", "p.His1047Arg", "G12X" for any change at codon 12) or an exon-level
change ("exon 20 insertion", "exon 19 deletion", "exon 14 skipping").

Why: a trial built for "TP53 Y220C" is not for every TP53 change. The reader keeps the
variant on the constraint (`variants_after`); the matcher compares it with the variants the
record gives (`compare`): the same variant meets it, a different point change does not, and
a change the record does not spell out is a question for the care team.

Pure: text in, text out.
"""

from __future__ import annotations

import re
from typing import Literal

_AMINO_3 = {
    "ala": "A",
    "arg": "R",
    "asn": "N",
    "asp": "D",
    "cys": "C",
    "gln": "Q",
    "glu": "E",
    "gly": "G",
    "his": "H",
    "ile": "I",
    "leu": "L",
    "lys": "K",
    "met": "M",
    "phe": "F",
    "pro": "P",
    "ser": "S",
    "thr": "T",
    "trp": "W",
    "tyr": "Y",
    "val": "V",
    "ter": "*",
}
_AA = "ACDEFGHIKLMNPQRSTVWY"
_PROTEIN = r"(?:p\.)?[" + _AA + r"]\d{1,4}(?:[" + _AA + r"X*]|fs)(?![\w])"
_EXON = r"exon\s*\d{1,2}\s*(?:insertion|ins\b|deletion|del\b|skipping|mutation)s?"
_EXON_PARTS = re.compile(
    r"exon\s*(?P<exon>\d{1,2})\s*(?P<kind>insertion|ins\b|deletion|del\b|skipping|mutation)s?",
    re.IGNORECASE,
)
# A variant written right after the gene: "TP53 Y220C", "KRAS-G12C", "ERBB2 exon 20
# insertions", "EGFR L858R or exon 19 deletion" (alternatives: any of them).
_AFTER_GENE = re.compile(
    r"^[\s-]*(?:gene\s+)?(?P<first>" + _PROTEIN + "|" + _EXON + r")"
    r"(?P<more>(?:\s*(?:,|/|or|and/or|,\s*or)\s*(?:" + _PROTEIN + "|" + _EXON + r"))*)",
    re.IGNORECASE,
)
_ONE = re.compile(_PROTEIN + "|" + _EXON, re.IGNORECASE)
_RECORDED_PROTEIN = re.compile(
    r"(?<![A-Za-z0-9])(?:p\.)?\(?(?P<ref>[A-Za-z]{3}|[" + _AA + r"])(?P<pos>\d{1,4})"
    r"(?P<alt>[A-Za-z]{3}|[" + _AA + r"*X]|fs)\)?(?![\w])"
)

Comparison = Literal["met", "not_met", "unknown"]


def _canonical(word: str) -> str:
    """ "p.Y220C" -> "Y220C"; "exon 20 insertions" -> "exon 20 insertion"."""
    exon = _EXON_PARTS.fullmatch(word.strip())
    if exon:
        kind = exon.group("kind").lower()
        kind = {"ins": "insertion", "del": "deletion"}.get(kind, kind)
        return f"exon {int(exon.group('exon'))} {kind}"
    return word.strip().upper().removeprefix("P.")


def variants_at(text: str) -> tuple[tuple[str, ...], int]:
    """The variants written at the start of `text` (the words after a gene name), and how
    many characters they take."""
    m = _AFTER_GENE.match(text)
    if m is None:
        return (), 0
    found = tuple(dict.fromkeys(_canonical(v.group(0)) for v in _ONE.finditer(m.group(0))))
    return found, m.end()


def variants_after(text: str) -> tuple[str, ...]:
    """The variants written at the start of `text` (see `variants_at`)."""
    return variants_at(text)[0]


def _protein(recorded: str) -> tuple[str, str, str] | None:
    """(reference residue, position, new residue) of a recorded protein change, one-letter."""
    if re.fullmatch(r"(?:p\.)?[a-z]\d{1,4}[a-z*]", recorded.strip(), re.IGNORECASE):
        recorded = recorded.strip().upper().replace("P.", "p.")  # "y537s" written small
    for m in _RECORDED_PROTEIN.finditer(recorded):
        ref, pos, alt = m.group("ref"), m.group("pos"), m.group("alt")
        ref1 = _AMINO_3.get(ref.lower()) if len(ref) == 3 else ref.upper()
        alt1 = _AMINO_3.get(alt.lower()) if len(alt) == 3 and alt.lower() != "fs" else alt.upper()
        if ref1 and alt1:
            return ref1, pos, alt1
    return None


def compare(wanted: str, recorded: str | None) -> Comparison:
    """Whether a recorded variant is the wanted one: "unknown" when the record does not spell
    it out ("mutated", no alteration) or when the two are not written comparably."""
    if not recorded:
        return "unknown"
    if wanted.startswith("exon "):
        words = re.sub(r"\s+", " ", recorded.lower())
        if _canonical(words) == wanted or wanted in words:
            return "met"
        if re.search(r"exon\s*\d", words):
            return "not_met"  # another exon, or another kind of change
        change = _protein(recorded)
        structural = re.search(r"ins|del|dup|skip", wanted)
        if (
            structural
            and change
            and change[2] not in ("FS", "*")
            and not re.search(r"ins|del|dup", words)
        ):
            return "not_met"  # a single-residue substitution is not an exon insertion/deletion
        # "exon 20 mutation": a point change may be one (the exon is not written): ask
        return "unknown"
    change = _protein(recorded)
    if change is None:
        return "unknown"
    m = re.fullmatch(r"([A-Z])(\d+)([A-Z*X]|FS)", wanted)
    if m is None:
        return "unknown"
    if (change[0], change[1]) != (m.group(1), m.group(2)):
        return "not_met"
    return "met" if m.group(3) in ("X", change[2]) else "not_met"
