"""The words criteria use for therapies, genes and receptor categories, mapped to the
knowledge base's ids. Drug names come from the knowledge base itself (generic, brand,
alias); this module adds the class and family phrases trials write ("CDK4/6i", "endocrine
therapy", "anti-PD-1") and points each at a class id or a family of `drug_classes.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nextline.knowledge import Knowledge

# phrase (regex) -> (class ids, families). Class ids must exist in drug_classes.yaml; a test
# checks that. Longer phrases first so "oral SERD" wins over "SERD".
CLASS_PHRASES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        r"cdk\s?4\s?/\s?6(?:\s?i\b|\s?inhibitors?|\s?inhibition|\s?-?\s?targeted)?",
        ("cdk46_inhibitor",),
        (),
    ),
    (
        r"cyclin[- ]dependent kinase(?:\s?\(cdk\))?\s?4\s?(?:/|and)\s?6(?:\s?inhibitors?)?",
        ("cdk46_inhibitor",),
        (),
    ),
    (r"cdk\s?4/6", ("cdk46_inhibitor",), ()),
    (r"non-?steroidal aromatase inhibitors?|nsais?\b", ("nonsteroidal_aromatase_inhibitor",), ()),
    (r"steroidal aromatase inhibitors?", ("steroidal_aromatase_inhibitor",), ()),
    (r"aromatase inhibitors?", ("aromatase_inhibitor",), ()),
    (r"oral serds?\b|oral (?:selective )?estrogen receptor degraders?", ("oral_serd",), ()),
    (r"serds?\b|selective estrogen receptor (?:degraders?|down-?regulators?)", ("serd",), ()),
    (r"serms?\b|selective estrogen receptor modulators?", ("serm",), ()),
    (
        r"(?:endocrine|hormonal|hormone|anti-?estrogen|antiestrogen)(?:[- ]based)? (?:therapy|"
        r"therapies|treatments?|agents?)",
        (),
        ("endocrine",),
    ),
    (r"(?-i:\bET\b)", (), ("endocrine",)),
    (r"pi3k(?:α|alpha)?(?:\s?/\s?mtor)? inhibitors?|pi3ki\b", ("pi3k_inhibitor",), ()),
    (r"akt inhibitors?", ("akt_inhibitor",), ()),
    (r"mtor inhibitors?", ("mtor_inhibitor",), ()),
    (r"parp(?:\s?-?\s?inhibitors?|i\b)|parp\b", ("parp_inhibitor",), ()),
    (
        r"(?:immune )?checkpoint inhibitors?|(?:anti-?\s?|"
        r")pd-?\(?l?\)?-?1(?: or pd-?l1)?(?: inhibitors?|[- ](?:directed|targeted|antibod(?:y|"
        r"ies)|agents?|therapy))?|\bicis?\b",
        ("checkpoint_inhibitor",),
        (),
    ),
    (r"immunotherap(?:y|ies)", (), ("immunotherapy",)),
    (
        r"trop-?2[- ](?:directed |targeting |targeted )?(?:adcs?|antibody[- ]drug conjugates?)",
        ("trop2_directed_adc",),
        (),
    ),
    (
        r"her2[- ](?:directed |targeting |targeted )?(?:adcs?|antibody[- ]drug conjugates?)",
        ("her2_directed_adc",),
        (),
    ),
    (
        # "any ADC containing an MMAE (vedotin) payload", "MMAE-based therapy": the vedotin
        # ADCs (MMAE payload), not every ADC
        r"(?:(?:antibody[- ]drug conjugates?|\badcs?\b)(?:\s*\(adcs?\))?\s+(?:containing|"
        r"with|carrying|bearing)\s+(?:an?\s+)?)?(?:monomethyl auristatin e|\bmmae\b)"
        r"(?:\s*\((?:mmae|vedotin)\))*(?:[- ](?:based|containing))?(?:\s+payloads?)?"
        r"(?:\s+(?:adcs?|antibody[- ]drug conjugates?|therap(?:y|ies)))?",
        ("mmae_payload",),
        (),
    ),
    (r"antibody[- ]drug conjugates?|\badcs?\b", ("antibody_drug_conjugate",), ()),
    (
        r"topoisomerase[- ]i(?:\b|-)(?: inhibitors?)?(?:[- ](?:based|"
        r"containing))?(?: payload)?|topo-?i\b",
        ("topoisomerase_i_inhibitor_payload",),
        (),
    ),
    (
        r"(?:anti-?her2|her2[- ](?:directed|targeted|targeting|based)) (?:therapy|therapies|"
        r"treatments?|agents?|regimens?)|anti-?her2\b",
        ("her2_directed_adc",),
        ("anti_her2",),
    ),
    (r"her2 tyrosine kinase inhibitors?|her2[- ]tkis?\b", ("her2_tki",), ()),
    # "alkylating chemotherapy" is cyclophosphamide's class, not every chemotherapy (read
    # before the chemotherapy and "antineoplastic agent" phrases, which would take the words)
    (
        r"alkylat(?:ing|or)s?(?:[- ]based)?(?:\s+(?:antineoplastic|anti-?cancer|cytotoxic|"
        r"chemotherapeutic))?(?:\s+(?:agents?|drugs?|chemotherap(?:y|ies)|therap(?:y|ies)|"
        r"regimens?))?",
        ("alkylating_agent",),
        (),
    ),
    (r"taxanes?(?:[- ]based)?", ("taxane",), ()),
    (r"anthracyclines?(?:[- ]based)?", ("anthracycline",), ()),
    (r"platinum(?:[- ]based| agents?| compounds?| chemotherapy)?", ("platinum",), ()),
    (r"vinca alkaloids?", ("vinca_alkaloid",), ()),
    (
        r"(?:cytotoxic )?chemotherap(?:y|ies)(?:[- ]based)?|cytotoxic (?:therapy|agents?|"
        r"regimens?)",
        (),
        ("chemotherapy",),
    ),
    (
        r"(?:systemic|anti-?cancer|antineoplastic|anti-?neoplastic) (?:therapy|therapies|"
        r"treatments?|regimens?|agents?)",
        (),
        ("endocrine", "targeted", "anti_her2", "chemotherapy", "immunotherapy", "adc"),
    ),
)

# Genes a criterion may require or exclude an alteration in (upper case, as in the record).
GENES: tuple[str, ...] = (
    "ESR1",
    "PIK3CA",
    "AKT1",
    "AKT",
    "PTEN",
    "BRCA1",
    "BRCA2",
    "PALB2",
    "ATM",
    "CHEK2",
    "TP53",
    "CDH1",
    "ERBB2",
    "ERBB3",
    "KRAS",
    "NRAS",
    "HRAS",
    "BRAF",
    "EGFR",
    "ALK",
    "ROS1",
    "RET",
    "NTRK",
    "NTRK1",
    "NTRK2",
    "NTRK3",
    "MET",
    "FGFR1",
    "FGFR2",
    "FGFR3",
    "NF1",
    "RB1",
    "RAD51C",
    "RAD51D",
    "BARD1",
    "BRIP1",
    "CDK12",
    "IDH1",
    "IDH2",
    "KIT",
    "MTAP",
    "STK11",
)


@dataclass(frozen=True)
class TherapyVocabulary:
    """Compiled lookups: drug name regex -> drug id, class phrase regexes."""

    drug_pattern: re.Pattern[str]
    drug_ids: dict[str, str]  # folded name -> drug id
    class_patterns: tuple[tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]], ...]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("®", "").replace("™", "")).strip()


_CACHE: dict[int, tuple[Knowledge, TherapyVocabulary]] = {}


def therapy_vocabulary(kb: Knowledge) -> TherapyVocabulary:
    """Every drug name the knowledge base knows, as one regex; class phrases compiled.
    Built once per knowledge base object."""
    cached = _CACHE.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    vocabulary = _build(kb)
    _CACHE[id(kb)] = (kb, vocabulary)
    return vocabulary


def _build(kb: Knowledge) -> TherapyVocabulary:
    names: dict[str, str] = {}
    supportive = {"supportive"}
    for drug in kb.drugs.values():
        if kb.family_of(drug) in supportive:
            continue
        for name in (drug.name, drug.id.replace("_", " "), *drug.brands, *drug.aliases):
            folded = _fold(name)
            if len(folded) >= 4 and not folded.isdigit():
                names.setdefault(folded, drug.id)
    alternatives = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in alternatives) + r")(?![\w])",
        re.IGNORECASE,
    )
    classes = tuple(
        (re.compile(r"(?<![\w-])(?:" + phrase + r")", re.IGNORECASE), ids, families)
        for phrase, ids, families in CLASS_PHRASES
    )
    return TherapyVocabulary(pattern, names, classes)
