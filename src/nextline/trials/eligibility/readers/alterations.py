"""Alteration reader: gene symbols with an alteration cue ("PIK3CA-mutated", "gBRCA1/2",
"ESR1 mutation"), germline or not, lists of genes read as one alternative.

Pure: text in, mentions out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.nlp import Mention
from nextline.trials.eligibility.readers.base import Found, Reading
from nextline.trials.eligibility.variants import variants_at
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
# words that make "KRAS G12C" the target of a drug, not a finding in the tumour
_NAMES_A_DRUG = re.compile(
    r"^[\s-]*(?:[\w/-]+\s+){0,2}?(?:inhibitors?|degraders?|targeting|targeted|-?directed|tkis?|"
    r"tyrosine kinase|agents?|therap(?:y|ies))\b",
    re.IGNORECASE,
)
_TARGETING = re.compile(r"(?:targeting|against|inhibitors? of|directed at)\s+$", re.IGNORECASE)
_GERMLINE = re.compile(r"germ-?line|inherited|hereditary", re.IGNORECASE)
_GERMLINE_AFTER = re.compile(r"[\s(-]*(?:germ-?line|inherited|hereditary)\b", re.IGNORECASE)


# "a germline or somatic BRCA1 mutation", "BRCA1/2 (germline and/or tumour)": either origin
_EITHER_ORIGIN = re.compile(
    r"germline\s*(?:,|or|and/or|/)\s*(?:a\s+)?(?:somatic|tumou?r|tissue)|"
    r"(?:somatic|tumou?r|tissue)\s*(?:,|or|and/or|/)\s*(?:a\s+)?germline",
    re.IGNORECASE,
)


_SOMATIC = re.compile(r"\bsomatic\b", re.IGNORECASE)


def find_alterations(reading: Reading) -> list[Found]:
    """Gene alterations named with a cue word."""
    text = reading.text
    found: list[Found] = []
    for m in GENE_RE.finditer(text):
        gene = re.sub(r"\s", "", m.group("gene")).upper()
        window = text[max(0, m.start() - 40) : m.end() + 50]
        # "TP53 Y220C", "KRAS G12C": one variant of the gene, not any change in it
        variants, length = variants_at(text[m.end() :])
        if variants and (
            _NAMES_A_DRUG.match(text[m.end() + length :])
            or _TARGETING.search(text[max(0, m.start() - 30) : m.start()])
        ):
            continue  # "a KRAS G12C inhibitor", "therapy targeting KRAS G12C": a drug
        if not (variants or m.group("m") or _ALTERATION_CUE.search(window)):
            continue
        if (
            gene == "ERBB2"
            and not variants
            and not re.search(r"mutat|mutant", window, re.IGNORECASE)
        ):
            continue
        if gene in ("BRCA", "BRCA1/2") or ("BRCA1" in gene and "BRCA2" in gene):
            genes: tuple[str, ...] = ("BRCA1", "BRCA2")
        elif gene == "AKT":
            genes = ("AKT1",)
        elif gene == "NTRK":
            genes = ("NTRK1", "NTRK2", "NTRK3")
        else:
            genes = (gene,)
        near = text[max(0, m.start() - 40) : m.end() + 40]
        either = bool(_EITHER_ORIGIN.search(near))
        # "germline BRCA", "BRCA germline mutation", "BRCA1/2 (germline)"
        said_germline = bool(
            _GERMLINE.search(text[max(0, m.start() - 30) : m.end() + 5])
            or _GERMLINE_AFTER.match(text, m.end())
        )
        germline = m.group("g") == "g" or (said_germline and not either)
        found.append(
            Found(
                Mention(m.start(), m.end(), "GENE"),
                extra={"end": m.end() + length},
                constraint=Constraint(
                    type="alteration",
                    genes=genes,
                    germline=germline,
                    # "germline or somatic", "a somatic BRCA1 mutation": an inherited test
                    # alone does not settle it
                    statuses=("somatic_possible",) if either or _SOMATIC.search(near) else (),
                    variants=variants if len(genes) == 1 else (),
                    words=f"{m.group(0)} {' or '.join(variants)}".strip(),
                ),
            )
        )
    return _merge_genes(text, found)


def _merge_genes(text: str, found: list[Found]) -> list[Found]:
    """ "PIK3CA/AKT1/PTEN", "BRCA1, BRCA2 or PALB2": one alteration in any of them."""
    merged: list[Found] = []
    for item in found:
        if merged:
            last = merged[-1]
            between = text[last.extra.get("end", last.mention.end) : item.mention.start]
            if re.fullmatch(
                r"\s*(?:/|,|or|and/or|,\s*or|-|\(|\))\s*(?:m\b|mutations?)?\s*", between
            ) and (between.strip() or not (last.constraint.variants or item.constraint.variants)):
                genes = tuple(dict.fromkeys((*last.constraint.genes, *item.constraint.genes)))
                # "KRAS G12C or KRAS G12S": either variant; a gene named without one: any
                both = last.constraint.variants and item.constraint.variants and len(genes) == 1
                variants = (*last.constraint.variants, *item.constraint.variants) if both else ()
                end = item.extra.get("end", item.mention.end)
                merged[-1] = Found(
                    Mention(last.mention.start, item.mention.end, "GENE"),
                    last.constraint.model_copy(
                        update={
                            "genes": genes,
                            "germline": last.constraint.germline or item.constraint.germline,
                            "variants": tuple(dict.fromkeys(variants)),
                            "words": text[last.mention.start : end],
                        }
                    ),
                    extra={"end": end},
                )
                continue
        merged.append(item)
    return merged
