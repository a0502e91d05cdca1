"""Key topics a criterion touches (HER2, receptors, genes, brain, lines, other biomarkers):
named when nothing could be read, so the matcher answers "unknown" rather than guessing.

Pure: patterns only.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.readers.alterations import GENE_RE
from nextline.trials.eligibility.readers.brain import BRAIN_RE
from nextline.trials.eligibility.readers.receptors import HER2, TNBC_RE

# --- topics: key subjects the criterion mentions, used when nothing was read ---------------
TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("her2", re.compile(HER2, re.IGNORECASE)),
    (
        "hormone_receptor",
        re.compile(r"hormone[- ]receptor|estrogen[- ]receptor|(?-i:\bER\b|\bHR\b)", re.IGNORECASE),
    ),
    ("triple_negative", TNBC_RE),
    ("alteration", GENE_RE),
    ("brain_metastases", BRAIN_RE),
    # "on the same anti-HER2 therapy for at least 36 months": how long a treatment has run
    (
        "prior_therapy",
        re.compile(
            r"\b(?:on|receiving|taking)\b[^.;]{0,60}?\b(?:therapy|treatment|inhibitor|agents?)\b"
            r"[^.;]{0,20}?\bfor (?:at least|≥|>|more than|a minimum of)\s*\d+\s*(?:months?|years?)",
            re.IGNORECASE,
        ),
    ),
    # "pain, fatigue, or distress rated at >= 3 out of 10": a symptom score the record may hold
    (
        "symptoms",
        re.compile(
            r"\b(?:rated|scored?|score of|rating)\b[^.;]{0,20}?(?:≥|>=|>/=|>|at least)\s*\d+\s*"
            r"(?:out of|/)\s*10\b",
            re.IGNORECASE,
        ),
    ),
    ("prior_lines", re.compile(r"\blines? of\b|\bprior lines?\b|\bregimens?\b", re.IGNORECASE)),
    (
        "biomarker",
        re.compile(
            r"(?:androgen receptor|(?-i:\bAR\b)|pd-?l1|trop-?2|nectin-?4|sstr|"
            r"somatostatin receptor|"
            r"folr\w*|folate receptor|claudin|cldn\w*|b7-?h[34]|\bhrd\b|homologous recombination|"
            r"msi-?h|microsatellite instab|\btmb\b|tumou?r mutational burden|dmmr|mismatch repair|"
            r"\bfgfr\d?|\bmyc\b|cdh6|her3|ror1|\bdll3|gpc3|mesothelin|\bpsma\b|\bcd\d+\b|"
            r"\bntrk|\bkras|\bnrg1|hla-?a)[^.;]{0,40}?(?:positiv|express|high|≥|>|amplif|deficien|"
            r"overexpress|mutat|fusion|status|score|level)",
            re.IGNORECASE,
        ),
    ),
    (
        "biomarker",
        re.compile(
            r"(?:oncogene|gene|focal|copy[- ]number) amplifications?|"
            r"ecdna|extrachromosomal",
            re.IGNORECASE,
        ),
    ),
)


def variant_words(genes: tuple[str, ...]) -> re.Pattern[str]:
    """The words of a gene variant that was read ("KRAS G12C", "HER2 exon 20 insertion")."""
    names = [re.escape(g) for g in genes]
    if "ERBB2" in genes:
        names.append(HER2)
    return re.compile(
        r"(?:"
        + "|".join(names)
        + r")[\s-]+(?:gene\s+)?(?:p\.)?(?:[A-Z]\d{1,4}\w*|exon\s*\d+\s*\w+)"
        r"(?:\s+(?:mutations?|mutant|mutated|variants?))?",
        re.IGNORECASE,
    )
