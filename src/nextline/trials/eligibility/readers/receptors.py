"""Receptor reader: HER2 status (positive, low, ultralow, zero, IHC scores), hormone
receptors (ER, PR, HR) and triple-negative wording, and how several receptor mentions group
("HR+/HER2- or TNBC" is two alternatives, "HER2-low or ultralow" one constraint).

Pure: text in, mentions out.
"""

from __future__ import annotations

import itertools
import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.nlp import Mention
from nextline.trials.eligibility.readers.base import Found, Reading
from nextline.trials.eligibility.variants import variants_after

# --- receptors ---------------------------------------------------------------------------
HER2 = r"(?:her-?2(?:/neu|-?neu)?|erbb-?2|human epidermal growth factor receptor[- ]?2)"
_STATUS = (
    r"(?P<status>positive|negative|pos\b|neg\b|\+|-(?![A-Za-z0-9])|−(?![A-Za-z])|–(?![A-Za-z])|"
    r"low|ultra-?low|zero|null|0(?!\.)\b|"
    r"non-?amplified|not amplified|amplified|over-?expressing|over-?expression|"
    r"non-?over-?expressing|expressing|expression|enriched)"
)
_HER2_RE = re.compile(
    HER2
    + r"\s*(?:\(\s*her2\s*\))?\s*(?:status\s*)?(?:is\s*)?[:\-]?\s*"
    + _STATUS
    + r"|(?P<pre>positive|negative)\s+for\s+"
    + HER2
    + r"|(?<!hormone )(?<!receptor )(?P<pre2>low|ultra-?low)\s+"
    + HER2
    + r"|"
    + HER2
    + r"\s*(?:status\s*)?(?:by\s*|of\s*)?(?:immunohistochemistry\s*\(ihc\)|ihc)\s*"
    r"(?:score\s*(?:of\s*)?)?(?P<ihc>0|1\+|2\+|3\+)",
    re.IGNORECASE,
)
# after "IHC 2+": the ISH test found no amplification
_ISH_NEGATIVE = re.compile(
    r"\s*(?:/|,|and|with|plus)?\s*(?:(?:a\s+)?(?:negative|non-?amplified)\s+(?:f|c|s)?ish|"
    r"(?:f|c|s)?ish\s*(?:-|−|negative|non-?amplified|not amplified|without amplification)|"
    r"(?:no|without)\s+(?:evidence of\s+)?(?:her2\s+)?(?:gene\s+)?amplification)",
    re.IGNORECASE,
)
# after "IHC 2+": the ISH test found amplification (HER2-positive, ASCO/CAP)
_ISH_POSITIVE = re.compile(
    r"\s*(?:/|,|and|with|plus)?\s*(?:(?:a\s+)?(?:positive|amplified)\s+(?:f|c|s)?ish|"
    r"(?:(?:f|c|s)?ish|in[- ]situ hybridi[sz]ation)\s*(?:\+|positive|amplified|"
    r"(?:showing|confirming|demonstrating|with)\s+(?:gene\s+)?amplification|amplification)|"
    r"(?:gene\s+)?amplification\s+(?:by|on)\s+(?:f|c|s)?ish)",
    re.IGNORECASE,
)
# "HER2 gene amplification", "HER2/CEP17 ratio ≥ 2.0": HER2-positive in other words
_HER2_AMPLIFIED_RE = re.compile(
    HER2
    + r"\s+gene\s+(?:amplification|amplified)|"
    + HER2
    + r"\s*/\s*cep\s*-?17\s*(?:ratio\s*)?(?:(?:of|is)\s*)?(?:≥|>=|>|at least)\s*2(?:\.0)?",
    re.IGNORECASE,
)
_HER2_ALTERED_RE = re.compile(
    HER2 + r"[- ]?(?:gene\s+)?(?:mutations?|mutant|mutated|alterations?|altered|aberrations?|"
    r"activating mutations?)",
    re.IGNORECASE,
)
_HER2_VARIANT_RE = re.compile(
    HER2 + r"(?=[\s-]+(?:gene\s+)?(?:p\.)?(?:[A-Z]\d|exon))", re.IGNORECASE
)
_HR_NAMES = (
    r"(?P<which>hormone[- ]receptors?|hormone(?=[- ](?:positive|negative|\+))|(?-i:HR)|"
    r"(?-i:ER)\s*(?:and|/|or|and/or)\s*(?-i:PR)|"
    r"(?-i:ER)|estrogen[- ]receptor(?:\s*\((?-i:ER)\))?|oestrogen[- ]receptor|(?-i:PR|PgR)|"
    r"progesterone[- ]receptor(?:\s*\((?-i:PR|PgR)\))?)"
)
_HR_RE = re.compile(
    r"(?<![\w-])"
    + _HR_NAMES
    + r"\s*(?:status\s*)?(?:is\s*)?[:\-]?\s*(?P<status>positive|negative|pos\b|neg\b|\+|"
    r"-(?![A-Za-z0-9])|−(?![A-Za-z])|–(?![A-Za-z])|low|"
    r"expressing|poor)",
    re.IGNORECASE,
)
TNBC_RE = re.compile(
    r"triple[- ](?:receptor[- ])?negative|\btnbc\b|(?-i:ER)\s*[-−–]\s*/\s*(?-i:PR)\s*[-−–]\s*/\s*"
    + HER2
    + r"\s*[-−–]",
    re.IGNORECASE,
)


# A hormone receptor with a staining threshold or range ("ER ≥ 10 %", "ER and/or PR ≥ 1 %",
# "estrogen receptor expression in < 10 % of tumour cells", "ER 1-10 %"). The names are the
# ones `_HR_RE` knows; the words between name and number are the usual fillers.
_PERCENT_NAMES = (
    r"(?P<which>(?-i:ER)\s*(?:and/or|and|or|/)\s*(?-i:PR|PgR)|(?-i:ER|PR|PgR)|"
    r"estrogen[- ]receptors?|oestrogen[- ]receptors?|progesterone[- ]receptors?)"
)
_PERCENT_FILLER = (
    r"(?:[\s:,-]*(?:-?\s*(?:positive|positivity|low|expression|staining|status|level|"
    r"expressing)|\(?(?-i:ER|PR|PgR)\)?))*\s*(?:(?:in|of|by|with|at|is)\s+)*"
)
_OP = r"(?P<op>≥|>=|=>|≤|<=|=<|>|<|at least|more than|greater than|less than|up to|below|above)"
_NUMBER = r"(?P<v>\d+(?:\.\d+)?)\s*%"
_HR_PERCENT_RE = re.compile(
    r"(?<![\w-])"
    + _PERCENT_NAMES
    + _PERCENT_FILLER
    + r"(?:"
    + _OP
    + r"\s*"
    + _NUMBER
    + r"|\(?(?P<lo>\d+(?:\.\d+)?)\s*%?\s*(?:-|–|to)\s*(?P<hi>\d+(?:\.\d+)?)\s*%)",
    re.IGNORECASE,
)
# a receptor status restated by its threshold: "ER-positive defined as ≥ 10 % of tumour
# cells staining", "HR-positive (ER and/or PR ≥ 1 %)", "ER-low (ER 1-10 %)"
_DEFINED_BY = re.compile(
    r"^[\s,:]*(?:(?:status|disease|expression|tumou?rs?|breast cancer)\s*)?"
    r"(?:\(|\[|defined as|i\.e\.,?|by|with|as|:)?[\s(]*(?:defined as\s*)?"
    r"(?:(?:estrogen|oestrogen|progesterone)[- ]receptors?|(?-i:ER|PR|PgR|HR))?\s*"
    r"(?:expression|staining)?\s*(?:in|of)?\s*$",
    re.IGNORECASE,
)


# "ER-positive defined as ≥ 10 % of tumour cells", "ER-low (1-10 % staining)": the
# threshold, with no receptor named again, right after a status
_BARE_THRESHOLD = re.compile(
    r"[\s,:]*(?:\(|\[|defined as|i\.e\.,?|:)\s*(?:defined as\s*)?(?:(?:expression|staining)\s*)?"
    r"(?:(?:in|of)\s+)?(?:"
    + _OP
    + r"\s*"
    + _NUMBER
    + r"|(?P<lo>\d+(?:\.\d+)?)\s*%?\s*(?:-|–|to)\s*(?P<hi>\d+(?:\.\d+)?)\s*%)",
    re.IGNORECASE,
)


def _threshold(m: re.Match[str]) -> tuple[float | None, float | None, bool]:
    """(minimum, maximum, strict) of an operator and number, or of a range."""
    if m.group("op"):
        op = m.group("op").lower()
        value = float(m.group("v"))
        strict = op in (">", "<", "more than", "greater than", "less than", "below", "above")
        if op in ("≤", "<=", "=<", "<", "less than", "up to", "below"):
            return None, value, strict
        return value, None, strict
    return float(m.group("lo")), float(m.group("hi")), False


def _percent_receptor(which: str) -> str:
    w = which.lower()
    if re.search(r"and|/|\bor\b", w):
        return "hr"
    return "pr" if w.startswith(("pr", "pgr", "prog")) else "er"


def _hr_percents(text: str) -> list[Found]:
    """Hormone receptors with a staining threshold, as a range of percents."""
    out: list[Found] = []
    for m in _HR_PERCENT_RE.finditer(text):
        receptor = _percent_receptor(m.group("which"))
        low, high, strict = _threshold(m)
        out.append(
            Found(
                Mention(m.start(), m.end(), "RECEPTOR"),
                Constraint(
                    type="hormone_receptor",
                    receptor=receptor,
                    statuses=("percent",),
                    minimum=low,
                    maximum=high,
                    strict=strict,
                    words=m.group(0),
                ),
            )
        )
    return out


def _fold_status(status: str) -> str:
    s = status.lower().replace("−", "-").replace("–", "-")
    if s in (
        "+",
        "pos",
        "positive",
        "amplified",
        "overexpressing",
        "over-expressing",
        "overexpression",
        "over-expression",
        "enriched",
    ):
        return "positive"
    if s in (
        "-",
        "neg",
        "negative",
        "non-amplified",
        "nonamplified",
        "not amplified",
        "non-overexpressing",
        "nonoverexpressing",
        "non-over-expressing",
    ):
        return "negative"
    if s in ("ultralow", "ultra-low"):
        return "ultralow"
    if s in ("zero", "null", "0"):
        return "zero"
    if s in ("expressing", "expression"):
        return "expressing"
    return s


_RECEPTOR_HINT = re.compile(r"her|erbb|receptor|triple|tnbc|(?-i:ER|PR|HR|PgR)", re.IGNORECASE)


def find_receptors(reading: Reading) -> list[Found]:
    """HER2, hormone-receptor and triple-negative mentions."""
    text = reading.text
    found: list[Found] = []
    if not _RECEPTOR_HINT.search(text):
        return found
    for m in TNBC_RE.finditer(text):
        found.append(
            Found(
                Mention(m.start(), m.end(), "RECEPTOR"),
                Constraint(type="triple_negative", words=m.group(0)),
            )
        )
    taken = [(f.mention.start, f.mention.end) for f in found]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _HER2_VARIANT_RE.finditer(text):
        # "HER2 exon 20 insertion", "HER2 L755S": one ERBB2 variant, not HER2 status
        variants = variants_after(text[m.end() :])
        if not variants or not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        found.append(
            Found(
                Mention(m.start(), m.end(), "GENE"),
                Constraint(
                    type="alteration",
                    genes=("ERBB2",),
                    variants=variants,
                    words=f"{m.group(0)} {' or '.join(variants)}",
                ),
            )
        )
    for m in _HER2_ALTERED_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        words = m.group(0)
        if re.search(r"mutat|mutant", words, re.IGNORECASE):
            found.append(
                Found(
                    Mention(m.start(), m.end(), "GENE"),
                    Constraint(type="alteration", genes=("ERBB2",), words=words),
                )
            )
        else:  # "HER2 alterations": amplification, overexpression or mutation
            found.append(
                Found(
                    Mention(m.start(), m.end(), "HER2_ALTERED"),
                    Constraint(type="her2", statuses=("positive",), words=words),
                    extra={"or_gene": "ERBB2"},
                )
            )
    for m in _HER2_AMPLIFIED_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        found.append(
            Found(
                Mention(m.start(), m.end(), "RECEPTOR"),
                Constraint(type="her2", statuses=("positive",), words=m.group(0)),
            )
        )
    for m in _HER2_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        after = text[m.end() : m.end() + 12].lower()
        if re.match(r"\s*(?:mutat|mutant|gene mutation)", after):
            continue  # "HER2-mutant": an alteration, read as a gene below
        if m.group("ihc"):
            ihc = m.group("ihc")
            status = {"0": "zero", "1+": "low", "2+": "low", "3+": "positive"}[ihc]
            if ihc == "2+":
                # 2+ needs the ISH result to mean anything: "IHC 2+ and ISH not amplified"
                # alone is one HER2-low group (not 1+); "1+ or 2+/ISH-" is read as HER2-low
                before = text[max(0, m.start() - 30) : m.start()]
                if _ISH_POSITIVE.match(text, m.end()) and "1+" not in before:
                    status = "positive"  # IHC 2+ with ISH amplified is HER2-positive
                elif "1+" in before or not _ISH_NEGATIVE.match(text, m.end()):
                    continue
                else:
                    status = "ihc2_not_amplified"
        else:
            status = _fold_status(m.group("status") or m.group("pre") or m.group("pre2") or "")
        if status not in (
            "positive",
            "negative",
            "low",
            "ultralow",
            "zero",
            "expressing",
            "ihc2_not_amplified",
        ):
            continue
        found.append(
            Found(
                Mention(m.start(), m.end(), "RECEPTOR"),
                Constraint(type="her2", statuses=(status,), words=m.group(0)),
            )
        )
    percents = _hr_percents(text)
    for p in percents:
        if free(p.mention.start, p.mention.end):
            taken.append((p.mention.start, p.mention.end))
            found.append(p)
    for m in _HR_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        if any(
            p.mention.start >= m.end() and _DEFINED_BY.match(text[m.end() : p.mention.start])
            for p in percents
        ):
            continue  # the status is restated by its threshold, which is read instead
        which_text = m.group("which").lower()
        if (
            "and" in which_text
            or "/" in which_text
            or "or" in which_text.split()
            or "hormone" in which_text
            or which_text == "hr"
        ):
            receptor = "hr"
        elif "pr" in which_text.split() or which_text.startswith(("prog", "pgr", "pr")):
            receptor = "pr"
        else:
            receptor = "er"
        bare = _BARE_THRESHOLD.match(text, m.end())
        if bare is not None and _fold_status(m.group("status")) in ("positive", "negative", "low"):
            low, high, strict = _threshold(bare)
            taken.append((m.start(), bare.end()))
            found.append(
                Found(
                    Mention(m.start(), bare.end(), "RECEPTOR"),
                    Constraint(
                        type="hormone_receptor",
                        receptor=receptor,
                        statuses=("percent",),
                        minimum=low,
                        maximum=high,
                        strict=strict,
                        words=text[m.start() : bare.end()],
                    ),
                )
            )
            continue
        status = _fold_status(m.group("status"))
        if status == "poor":
            status = "low"
        if status == "expressing":
            status = "positive"
        if status not in ("positive", "negative", "low"):
            continue
        found.append(
            Found(
                Mention(m.start(), m.end(), "RECEPTOR"),
                Constraint(
                    type="hormone_receptor", receptor=receptor, statuses=(status,), words=m.group(0)
                ),
            )
        )
    return found


def _conflict(group: list[Constraint]) -> bool:
    """Receptor statements no single cancer can satisfy together (TNBC and HR-positive,
    HER2-positive and HER2-negative): a list of alternatives, not a conjunction."""
    her2 = {s for c in group if c.type == "her2" and not c.negated for s in c.statuses}
    hr = {s for c in group if c.type == "hormone_receptor" and not c.negated for s in c.statuses}
    tnbc = any(c.type == "triple_negative" and not c.negated for c in group)
    if "positive" in her2 and her2 & {"negative", "low", "ultralow", "zero"}:
        return True
    if "positive" in hr and "negative" in hr:
        return True
    return tnbc and ("positive" in hr or "positive" in her2)


def receptor_groups(receptors: list[Constraint], gaps: list[bool]) -> list[list[Constraint]]:
    """Receptor mentions split at "or": "HR+/HER2- or TNBC" is two alternatives.

    An "or" between two hormone receptors binds them only: "ER+ and/or PR+ and HER2-" is
    (ER+ or PR+) and HER2-, so each hormone receptor goes with the HER2 status."""
    # each alternative is a list of slots joined by "and"; a slot holds hormone receptors
    # offered as alternatives ("ER+ or PR+")
    alternatives: list[list[list[Constraint]]] = []
    for constraint, gap in zip(receptors, gaps, strict=True):
        if not alternatives:
            alternatives.append([[constraint]])
            continue
        slot = alternatives[-1][-1]
        if not gap and any(_key(c) == _key(constraint) for c in slot):
            continue  # "estrogen receptor positive (ER+)": the same receptor restated
        if not gap:
            alternatives[-1].append([constraint])
        elif _same_kind(slot[-1], constraint):
            # "HER2-low or HER2-ultralow": one constraint with both statuses
            last = slot[-1]
            slot[-1] = last.model_copy(
                update={"statuses": tuple(dict.fromkeys((*last.statuses, *constraint.statuses)))}
            )
        elif _hormone_alternative(slot[-1], constraint):
            slot.append(constraint)
        else:
            alternatives.append([[constraint]])
    groups = [list(combo) for slots in alternatives for combo in itertools.product(*slots)]
    out: list[list[Constraint]] = []
    for group in (_dedupe(g) for g in groups):
        if _conflict(group):
            out.extend([c] for c in group)  # "HR+ breast cancer, TNBC, HER2+": any one
        else:
            out.append(group)
    return out


def _hormone_alternative(a: Constraint, b: Constraint) -> bool:
    """ "ER+ or PR+": two hormone receptors offered as alternatives of one another."""
    return (
        a.type == b.type == "hormone_receptor"
        and a.receptor != b.receptor
        and a.negated == b.negated
    )


def _same_kind(a: Constraint, b: Constraint) -> bool:
    return (
        "percent" not in (*a.statuses, *b.statuses)
        and a.type == b.type
        and a.receptor == b.receptor
        and a.negated == b.negated
        and a.type != "triple_negative"
    )


def _key(c: Constraint) -> tuple[object, ...]:
    return (c.type, c.receptor, c.statuses, c.negated, c.minimum, c.maximum)


def _dedupe(group: list[Constraint]) -> list[Constraint]:
    """Each constraint once; "HR-positive" is dropped where the group also gives the
    threshold that defines it ("HR+ status defined as ER ≥ 10 %")."""
    out: list[Constraint] = []
    threshold = any(
        c.type == "hormone_receptor"
        and "percent" in c.statuses
        and c.minimum is not None
        and c.maximum is None
        and not c.negated
        for c in group
    )
    for c in group:
        if (
            threshold
            and c.type == "hormone_receptor"
            and c.statuses == ("positive",)
            and not c.negated
        ):
            continue
        if all(_key(o) != _key(c) for o in out):
            out.append(c)
    return out
