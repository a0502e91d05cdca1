"""Alteration reader: gene symbols with an alteration cue ("PIK3CA-mutated", "gBRCA1/2",
"ESR1 mutation"), germline or not, lists of genes read as one alternative.

Pure: text in, mentions out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.nlp import Mention
from nextline.trials.eligibility.readers.base import Found, Reading
from nextline.trials.eligibility.vocabulary import GENES

# --- alterations -------------------------------------------------------------------------
GENE_RE = re.compile(
    r"(?<![\w-])(?P<g>g|s|t)?(?P<gene>BRCA\s?1\s?/\s?2|BRCA\s?1\s?(?:and|or|/)\s?BRCA\s?2|"
    + "|".join(sorted(GENES, key=len, reverse=True))
    + r"|BRCA)(?P<m>m|mut)?(?![\w])"
)
_ALTERATION_CUE = re.compile(
    r"mutat|mutant|alter|variant|pathogenic|deleterious|carrier|fusion|rearrang|loss|"
    r"deficien|wild|aberr|activating|\bpositive\b|\bm\b|detected|harbou?r",
    re.IGNORECASE,
)
_GERMLINE = re.compile(r"germ-?line|inherited|hereditary", re.IGNORECASE)


def find_alterations(reading: Reading) -> list[Found]:
    """Gene alterations named with a cue word."""
    text = reading.text
    found: list[Found] = []
    for m in GENE_RE.finditer(text):
        gene = re.sub(r"\s", "", m.group("gene")).upper()
        window = text[max(0, m.start() - 40) : m.end() + 50]
        if not (m.group("m") or _ALTERATION_CUE.search(window)):
            continue
        if gene == "ERBB2" and not re.search(r"mutat|mutant", window, re.IGNORECASE):
            continue
        if gene in ("BRCA", "BRCA1/2") or ("BRCA1" in gene and "BRCA2" in gene):
            genes: tuple[str, ...] = ("BRCA1", "BRCA2")
        elif gene == "AKT":
            genes = ("AKT1",)
        elif gene == "NTRK":
            genes = ("NTRK1", "NTRK2", "NTRK3")
        else:
            genes = (gene,)
        germline = m.group("g") == "g" or bool(
            _GERMLINE.search(text[max(0, m.start() - 30) : m.end() + 5])
        )
        found.append(
            Found(
                Mention(m.start(), m.end(), "GENE"),
                Constraint(type="alteration", genes=genes, germline=germline, words=m.group(0)),
            )
        )
    return _merge_genes(text, found)


def _merge_genes(text: str, found: list[Found]) -> list[Found]:
    """ "PIK3CA/AKT1/PTEN", "BRCA1, BRCA2 or PALB2": one alteration in any of them."""
    merged: list[Found] = []
    for item in found:
        if merged:
            last = merged[-1]
            between = text[last.mention.end : item.mention.start]
            if re.fullmatch(r"\s*(?:/|,|or|and/or|,\s*or|-|\(|\))\s*(?:m\b)?\s*", between):
                genes = tuple(dict.fromkeys((*last.constraint.genes, *item.constraint.genes)))
                merged[-1] = Found(
                    Mention(last.mention.start, item.mention.end, "GENE"),
                    last.constraint.model_copy(
                        update={
                            "genes": genes,
                            "germline": last.constraint.germline or item.constraint.germline,
                            "words": text[last.mention.start : item.mention.end],
                        }
                    ),
                )
                continue
        merged.append(item)
    return merged
