"""Therapy reader: drugs and drug classes named in sentences about treatment history
("prior CDK4/6 inhibitor", "progressed on an aromatase inhibitor"), their setting
(metastatic or early), and how several therapies join ("A or B" one constraint, "A and B"
both required). Sentences about allergies, concomitant drugs or the study treatment say
nothing about history and are skipped.

Pure: text and knowledge in, mentions out.
"""

from __future__ import annotations

import re

from nextline.knowledge import Knowledge
from nextline.trials.eligibility.grammar import sentences
from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.nlp import Mention
from nextline.trials.eligibility.readers.base import Found, Reading
from nextline.trials.eligibility.vocabulary import therapy_vocabulary

# --- therapy -----------------------------------------------------------------------------
_PRIOR_CUE = re.compile(
    r"\b(?:prior|previous(?:ly)?|received|progress(?:ed|ion|ing)? (?:on|after|while|during|"
    r"following|despite|within)|within \d+|treated with|treatment with|therapy with|"
    r"exposure|exposed|pre-?treated|refractory|resistant|fail\w*|after|following|"
    r"history of|na[iï]ve|relapse\w*|recurr\w* (?:on|during|while|within)|had|currently|taking|"
    r"receiving|since (?:the |their )?(?:last|final|completion|end|stopping|discontinu\w*)|"
    r"last (?:dose|administration)|discontinu\w*|stopped|"
    r"in the (?:last |past |previous )?(?:\d+|one|two|three|four|six) (?:days?|weeks?|months?) "
    r"(?:before|prior))\b",
    re.IGNORECASE,
)
_NOT_HISTORY = re.compile(
    r"hypersensitiv|allerg|(?:known |documented )?intoleran(?:ce|t) (?:to|of)|contraindicat|"
    r"to be treated|intent to|intention to|resume|prior (?:cancer|malignanc)|"
    r"other (?:cancer|malignanc)|"
    r"another (?:cancer|malignanc)|second(?:ary)? (?:primary )?(?:cancer|malignanc)|"
    r"toxicit|recover|adverse (?:event|effect)|side effects?|tolerat|dose (?:reduction|"
    r"modification|interruption)|resolved|autoimmune|infection|immunosuppress|steroid|"
    r"antibiotic|antiviral|tuberculosis|hepatitis|pneumonitis|vaccin|transfusion|"
    r"count(?:s|ed)? as|considered (?:as )?(?:a|one)|defined as|concomitant|concurrent|"
    r"candidates? for|eligible for|willing|agree|planned|plan to|will receive|"
    r"to receive|study (?:drug|treatment|intervention)|investigational|strong (?:cyp|inducer|"
    r"inhibitor)|cyp3a|p-gp|unable to|able to (?:take|swallow)|suitable for|appropriate for|"
    r"contracepti|pregnan|breast-?feed|donate|childbearing|father(?:ing)? (?:a )?child|"
    r"\bconceive|sperm|\bcondoms?\b|\blactat",
    re.IGNORECASE,
)
METASTATIC_SETTING = re.compile(
    r"metastatic setting|advanced setting|for (?:locally )?advanced|for (?:the )?metastatic|"
    r"in the (?:locally advanced|metastatic|advanced|recurrent)|advanced/metastatic|"
    r"(?:advanced|metastatic|unresectable) (?:or metastatic )?(?:breast cancer|disease|mbc|abc)",
    re.IGNORECASE,
)
EARLY_SETTING = re.compile(
    r"\b(?:neo-?)?adjuvant\b|early[- ]stage|(?<!non)(?<!non-)(?<!non )curative", re.IGNORECASE
)

_PLANNED = re.compile(
    r"initiat\w*|recommended|planned|planning|scheduled|candidates? for|eligible for|"
    r"to receive|will receive|suitable for|appropriate for|about to (?:start|begin)|"
    r"intention to",
    re.IGNORECASE,
)


# "within 3 weeks before the first dose of study treatment": the study treatment is when a
# washout ends, not a sentence about the study treatment itself
_STUDY_START = re.compile(
    r"\b(?:(?:the\s+)?first dose|dose|start|initiation|beginning|day 1|cycle 1)\s+of\s+"
    r"(?:the\s+)?(?:study|investigational|trial)\s+(?:drugs?|treatments?|interventions?|"
    r"medications?|therap(?:y|ies)|products?|agents?)",
    re.IGNORECASE,
)


# "unless contraindicated", "unless unsuitable", "if clinically indicated" (a "not" is left
# alone: ConText would read it as negating the therapy): the
# history is asked for unless it did not suit the person, which the record cannot tell
_UNLESS_UNSUITABLE = re.compile(
    r"[,(]?\s*\b(?:unless|except (?:if|when|where))\s+(?:(?:it (?:was|is)|medically|clinically|"
    r"otherwise)\s+)*(?:contraindicated|ineligible|unsuitable|inappropriate)\b[^.;)]*\)?|"
    r"[,(]?\s*\bif (?:clinically |medically )?(?:indicated|appropriate)\b\)?",
    re.IGNORECASE,
)


def planned_therapy(text: str, kb: Knowledge) -> bool:
    """Whether a sentence ties eligibility to a treatment the person is to start
    ("for which initiating aromatase inhibitor therapy is recommended"): a treatment-history
    question the parser leaves to the study team."""
    if not _PLANNED.search(text):
        return False
    vocab = therapy_vocabulary(kb)
    for _, sentence in sentences(text):
        if _PLANNED.search(sentence) and (
            vocab.drug_pattern.search(sentence)
            or any(p.search(sentence) for p, _, _ in vocab.class_patterns)
        ):
            return True
    return False


def find_therapies(reading: Reading) -> list[Found]:
    """Therapies named in sentences about treatment history (a sentence about allergies,
    concomitant drugs or the study treatment itself says nothing about history)."""
    text = reading.text
    vocab = therapy_vocabulary(reading.kb)
    found: list[Found] = []
    spans: list[tuple[int, int]] = list(reading.claimed)

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in spans)

    for offset, sentence in sentences(text):
        # "prior taxane, unless contraindicated": a history asked for, with a way round it
        waived = _UNLESS_UNSUITABLE.search(sentence)
        checked = _UNLESS_UNSUITABLE.sub(" ", sentence)
        if not _PRIOR_CUE.search(checked) or _NOT_HISTORY.search(
            _STUDY_START.sub("first dose", checked)
        ):
            continue
        for pattern, class_ids, families in vocab.class_patterns:
            for m in pattern.finditer(sentence):
                a, b = offset + m.start(), offset + m.end()
                if not free(a, b):
                    continue
                spans.append((a, b))
                found.append(
                    Found(
                        Mention(a, b, "THERAPY"),
                        Constraint(
                            type="prior_therapy",
                            class_ids=class_ids,
                            families=families,
                            soft=bool(waived),
                            words=m.group(0),
                        ),
                    )
                )
        for m in vocab.drug_pattern.finditer(sentence):
            a, b = offset + m.start(), offset + m.end()
            if not free(a, b):
                continue
            drug_id = vocab.drug_ids.get(re.sub(r"\s+", " ", m.group(0).lower()))
            if drug_id is None:
                continue
            spans.append((a, b))
            found.append(
                Found(
                    Mention(a, b, "THERAPY"),
                    Constraint(
                        type="prior_therapy",
                        drug_ids=(drug_id,),
                        soft=bool(waived),
                        words=m.group(0),
                    ),
                )
            )
    return found


_AND_BETWEEN = re.compile(
    r"\band\b|\bplus\b|\+|\bboth\b|as well as|followed by|\bwith\b", re.IGNORECASE
)


_NARROWED_BY = re.compile(
    r"\s*(?:regimens?\s+|therapy\s+|treatment\s+)?(?:containing|that contain(?:s|ed)|"
    r"which contain(?:s|ed)|with)\s+(?:an?\s+|the\s+)?",
    re.IGNORECASE,
)


_QUALIFIES = re.compile(r"[\s-]*(?:based|containing|including)?[\s-]*", re.IGNORECASE)


def merge_therapies(text: str, found: list[tuple[Constraint, int, int]]) -> list[Constraint]:
    """Therapies listed as alternatives or examples ("a CDK4/6 inhibitor (palbociclib,
    ribociclib or abemaciclib)") become one constraint met by any of them; therapies joined
    by "and" ("endocrine therapy and a CDK4/6 inhibitor") stay separate, all required."""
    out: list[Constraint] = []
    last_end = -1
    for constraint, start, end in sorted(found, key=lambda f: f[1]):
        if (
            out
            and out[-1].negated == constraint.negated
            and out[-1].since_stop_days == constraint.since_stop_days
        ):
            between = text[last_end:start]
            prev = out[-1]
            if (
                _NARROWED_BY.fullmatch(between)
                and not (prev.drug_ids or prev.class_ids)
                and (constraint.drug_ids or constraint.class_ids)
            ):
                # "chemotherapy containing an alkylating agent": the alkylating agent is
                # what is asked, not any chemotherapy
                out[-1] = constraint.model_copy(
                    update={"words": text[start - len(between) - len(prev.words) : end]}
                )
                last_end = end
                continue
            if (
                _QUALIFIES.fullmatch(between)
                and (prev.drug_ids or prev.class_ids)
                and not (constraint.drug_ids or constraint.class_ids)
            ):
                # "platinum-based chemotherapy", "taxane-containing regimen": the class is
                # what is asked, not any chemotherapy
                out[-1] = prev.model_copy(
                    update={"words": f"{prev.words}{between}{text[start:end]}"}
                )
                last_end = end
                continue
            in_brackets = text[:start].count("(") > text[:start].count(")")
            if in_brackets or "and/or" in between or not _AND_BETWEEN.search(between):
                prev = out[-1]
                out[-1] = prev.model_copy(
                    update={
                        "drug_ids": tuple(dict.fromkeys((*prev.drug_ids, *constraint.drug_ids))),
                        "class_ids": tuple(dict.fromkeys((*prev.class_ids, *constraint.class_ids))),
                        "families": tuple(dict.fromkeys((*prev.families, *constraint.families))),
                        "words": f"{prev.words}, {constraint.words}",
                    }
                )
                last_end = end
                continue
        out.append(constraint)
        last_end = end
    return out
