"""Read one criterion into structured constraints.

Concepts are found by patterns written for eligibility text (receptor notations such as
"ER+/HER2-", gene symbols, drug names from the knowledge base, class phrases, brain
metastases, stage words); medspaCy's ConText (`nlp.py`) then decides, for each concept,
whether it is negated, merely allowed, an exception or a condition. Numbers with their
comparison (age, ECOG, Karnofsky, lab thresholds with units or × ULN, number of prior lines)
are read from the words around the concept. Whatever cannot be read stays text: the
criterion keeps its words and, when it touches a key topic, names that topic so the
matcher answers "unknown" rather than guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from nextline.knowledge import Knowledge
from nextline.trials.eligibility.models import Constraint, Criterion, Section
from nextline.trials.eligibility.nlp import Mention, Scoped, scope
from nextline.trials.eligibility.split import RawCriterion
from nextline.trials.eligibility.vocabulary import GENES, therapy_vocabulary

# --- receptors ---------------------------------------------------------------------------
_HER2 = r"(?:her-?2(?:/neu|-?neu)?|erbb-?2|human epidermal growth factor receptor[- ]?2)"
_STATUS = (
    r"(?P<status>positive|negative|pos\b|neg\b|\+|-(?![A-Za-z0-9])|−(?![A-Za-z])|–(?![A-Za-z])|"
    r"low|ultra-?low|zero|null|0(?!\.)\b|"
    r"non-?amplified|not amplified|amplified|over-?expressing|over-?expression|"
    r"non-?over-?expressing|expressing|expression|enriched)"
)
_HER2_RE = re.compile(
    _HER2
    + r"\s*(?:\(\s*her2\s*\))?\s*(?:status\s*)?(?:is\s*)?[:\-]?\s*"
    + _STATUS
    + r"|(?P<pre>positive|negative)\s+for\s+"
    + _HER2
    + r"|(?<!hormone )(?<!receptor )(?P<pre2>low|ultra-?low)\s+"
    + _HER2
    + r"|"
    + _HER2
    + r"\s*(?:status\s*)?(?:by\s*|of\s*)?ihc\s*(?:score\s*(?:of\s*)?)?(?P<ihc>0|1\+|2\+|3\+)",
    re.IGNORECASE,
)
_HER2_ALTERED_RE = re.compile(
    _HER2 + r"[- ]?(?:gene\s+)?(?:mutations?|mutant|mutated|alterations?|altered|aberrations?|"
    r"activating mutations?)",
    re.IGNORECASE,
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
_TNBC_RE = re.compile(
    r"triple[- ](?:receptor[- ])?negative|\btnbc\b|(?-i:ER)\s*[-−–]\s*/\s*(?-i:PR)\s*[-−–]\s*/\s*"
    + _HER2
    + r"\s*[-−–]",
    re.IGNORECASE,
)

# --- alterations -------------------------------------------------------------------------
_GENE_RE = re.compile(
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

# --- therapy -----------------------------------------------------------------------------
_PRIOR_CUE = re.compile(
    r"\b(?:prior|previous(?:ly)?|received|progress(?:ed|ion|ing)? (?:on|after|while|during|"
    r"following|despite|within)|within \d+|treated with|treatment with|therapy with|"
    r"exposure|exposed|pre-?treated|refractory|resistant|fail\w*|after|following|"
    r"history of|na[iï]ve|relapse\w*|recurr\w* (?:on|during|while|within)|had|currently|taking|"
    r"receiving)\b",
    re.IGNORECASE,
)
_NOT_HISTORY = re.compile(
    r"hypersensitiv|allerg|(?:known |documented )?intoleran(?:ce|t) (?:to|of)|contraindicat|"
    r"to be treated|intent to|resume|prior (?:cancer|malignanc)|other (?:cancer|malignanc)|"
    r"another (?:cancer|malignanc)|second(?:ary)? (?:primary )?(?:cancer|malignanc)|"
    r"toxicit|recover|adverse (?:event|effect)|side effects?|tolerat|dose (?:reduction|"
    r"modification|interruption)|resolved|autoimmune|infection|immunosuppress|steroid|"
    r"antibiotic|antiviral|tuberculosis|hepatitis|pneumonitis|vaccin|transfusion|"
    r"count(?:s|ed)? as|considered (?:as )?(?:a|one)|defined as|concomitant|concurrent|"
    r"candidates? for|eligible for|willing|agree|planned|plan to|will receive|"
    r"to receive|study (?:drug|treatment|intervention)|investigational|strong (?:cyp|inducer|"
    r"inhibitor)|cyp3a|p-gp|unable to|able to (?:take|swallow)|suitable for|appropriate for",
    re.IGNORECASE,
)
_METASTATIC_SETTING = re.compile(
    r"metastatic setting|advanced setting|for (?:locally )?advanced|for (?:the )?metastatic|"
    r"in the (?:locally advanced|metastatic|advanced|recurrent)|advanced/metastatic|"
    r"(?:advanced|metastatic|unresectable) (?:or metastatic )?(?:breast cancer|disease|mbc|abc)",
    re.IGNORECASE,
)
_EARLY_SETTING = re.compile(
    r"\b(?:neo-?)?adjuvant\b|early[- ]stage|(?<!non)(?<!non-)(?<!non )curative", re.IGNORECASE
)
_NUMBER_WORDS = {
    "zero": 0,
    "no": 0,
    "one": 1,
    "a single": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
_NUM = r"(?:\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|a single)"
_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
_WITHIN_RE = re.compile(
    r"(?P<rev>at least|more than|greater than|≥|>|over|longer than)?\s*"
    r"(?:within|in)\s+(?:at least\s+)?(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+)?"
    r"(?P<n>" + _NUM + r")"
    r"\s*(?P<u>day|week|month|year)s?"
    r"|(?P<rev2>at least|more than|greater than|≥|>|over|longer than)?\s*(?:≤|<)?\s*"
    r"(?P<n2>" + _NUM + r")\s*(?P<u2>day|week|month|year)s?\s*(?:\([^)]*\)\s*)?"
    r"(?:or\s+\d+\s+half-?lives[^,;)]*\s*)?(?:prior to|before|of)\s+(?:the\s+)?"
    r"(?:first|start|initiation|enrol|random|registration|day\s*1|cycle\s*1|study|c1d1|"
    r"treatment|dosing|screening|consent)",
    re.IGNORECASE,
)
_LINES_RE = re.compile(
    r"(?P<num>"
    + _NUM
    + r"|\d+\s*(?:-|–|to|or)\s*\d+)\s*(?:\(\d+\)\s*)?(?P<more>or more\s+|or fewer\s+"
    r"|or less\s+)?(?:prior\s+|previous\s+|standard\s+|systemic\s+|cytotoxic\s+|"
    r"chemotherapy\s+|chemotherapeutic\s+|endocrine\s+|hormonal\s+|treatment\s+|therapy\s+|"
    r"anti-?cancer\s+|lines?\s+of\s+)*(?:lines?|regimens?|(?<=endocrine )therapies|"
    r"(?<=hormonal )therapies|(?<=prior )chemotherap(?:y|ies)|(?<=previous )chemotherap(?:y|ies))"
    r"\b(?P<what>[^.;:]{0,60})",
    re.IGNORECASE,
)
_LINES_MIN = re.compile(
    r"(?:at least|≥|>|a minimum of|minimum of|more than|greater than|over)\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)
_LINES_MAX = re.compile(
    r"(?:no more than|not more than|≤|<|up to|a maximum of|maximum of|at most|fewer than|"
    r"less than|not exceed(?:ing)?|no greater than)\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)
_LINES_BETWEEN = re.compile(
    r"(?:at least|≥|a minimum of|minimum of)\s*(?P<a>" + _NUM + r")\s*(?:\(\d+\)\s*)?"
    r"(?:but|and)\s*(?P<op>no more than|not more than|≤|at most|up to|fewer than|less than|<)"
    r"\s*(?P<b>" + _NUM + r")\s*(?:\(\d+\)\s*)?[^.;]{0,50}?\b(?:lines?|regimens?)\b",
    re.IGNORECASE,
)
_NOT_MORE_THAN = re.compile(
    r"\b(?:not|no|never|cannot)\b[^.;]{0,40}?(?:more than|greater than|over)\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)
_ANTI_HER2 = re.compile(r"anti-?\s?her-?2|her-?2[- ](?:targeted|directed)", re.IGNORECASE)
_PROGRESSED_ON_PRIOR = re.compile(
    r"progress\w*\s+(?:on|after|following|during)\s+(?:or (?:after|following)\s+)?"
    r"(?:or intoleran\w+ (?:to|of)\s+)?(?:the |their |a |any )?(?:most recent|last|latest|prior|"
    r"previous)\s+(?:line of\s+)?(?:systemic\s+|standard\s+|anti-?cancer\s+)?"
    r"(?:therapy|treatment|regimen|line)",
    re.IGNORECASE,
)
_FIRST_LINE_ONLY = re.compile(
    r"(?:previously )?untreated with (?:any )?(?:prior )?(?:systemic )?(?:anti-?cancer )?"
    r"(?:therapy|treatment) (?:for|in) (?:their |the )?(?:locally )?(?:advanced|metastatic)|"
    r"no prior (?:systemic |anti-?cancer )?(?:therapy|treatment|chemotherapy) (?:for|in the) "
    r"(?:the )?(?:locally )?(?:advanced|metastatic|recurrent)|previously untreated "
    r"(?:locally )?(?:advanced|metastatic|recurrent)",
    re.IGNORECASE,
)

# --- disease -----------------------------------------------------------------------------
_BRAIN_RE = re.compile(
    r"\b(?:brain|cns|central nervous system|intracranial|cerebral)\s*(?:\(cns\)\s*)?"
    r"(?:metastas[ie]s|metastatic disease|mets|lesions?|disease|involvement|tumou?rs?)"
    r"|\bleptomeningeal|carcinomatous meningitis",
    re.IGNORECASE,
)
_BRAIN_ACTIVE = re.compile(
    r"\b(?:active|untreated|intact|symptomatic|progressi\w*|unstable|uncontrolled|growing|new|"
    r"requir\w* (?:steroids|corticosteroids|treatment|immediate)|not (?:been )?(?:treated|stable)"
    r"|not (?:adequately )?controlled)\b",
    re.IGNORECASE,
)
_BRAIN_CARVE_OUT = re.compile(
    r"(?:treated|stable|asymptomatic|controlled|inactive).{0,120}(?:allowed|eligible|permitted|"
    r"may (?:be|participate|enrol)|are not excluded|acceptable|can be)|(?:unless|except|"
    r"provided|if)\b.{0,60}(?:treated|stable|asymptomatic|controlled|inactive)",
    re.IGNORECASE,
)
_MEASURABLE_RE = re.compile(r"\bmeasurable\b", re.IGNORECASE)
_NOT_STRICTLY_MEASURABLE = re.compile(
    r"non-?measurable|evaluable|bone[- ]only|or not measurable|measurable or", re.IGNORECASE
)
# "bone-only disease allowed if a soft-tissue part / lytic lesion is measurable": still
# asks for something measurable
_BONE_ONLY_IF_MEASURABLE = re.compile(
    r"bone[- ]only[^.;]{0,80}\b(?:if|provided|as long as|when|only if)\b[^.;]{0,80}measurable",
    re.IGNORECASE,
)
_EARLY_RE = re.compile(
    r"\bstage\s+(?:0|i{1,3}|[1-3])[abc]?(?!\s*(?:-|–|to|through|or)?\s*(?:iv|4))(?![v\d])|"
    r"non-?metastatic|not metastatic|(?:no|without) (?:clinical |radiologic\w* )?(?:evidence of )?"
    r"(?:distant )?metasta\w+|"
    r"\bm0\b|early[- ]stage|early breast cancer|\boperable breast|localized breast|"
    r"candidates? for (?:neo)?adjuvant|ductal carcinoma in situ|\bdcis\b",
    re.IGNORECASE,
)
_ADVANCED_RE = re.compile(
    r"\b(?:metastatic|advanced|unresectable|inoperable|stage\s+iv|stage\s+4)\b", re.IGNORECASE
)
_METASTATIC_EXCLUSION = re.compile(
    r"(?:distant|systemic|visceral) metasta|\bstage iv\b|metastatic (?:breast )?(?:cancer|"
    r"disease)|de novo metastatic|evidence of metasta",
    re.IGNORECASE,
)
_NOT_STAGE_CONTEXT = re.compile(
    r"brain|cns|central nervous|lepto|bone[- ]only|spinal|other (?:malignanc|cancer)|"
    r"second(?:ary)? (?:malignanc|cancer)|prior malignanc|another",
    re.IGNORECASE,
)
_MENO_RE = re.compile(r"\b(post|pre|peri)[- ]?menopaus\w*", re.IGNORECASE)
_OFS_RE = re.compile(
    r"suppression|ablation|gnrh|lhrh|goserelin|leuprolide|oophorectomy", re.IGNORECASE
)
_MENO_DEFINITION = re.compile(
    r"defin|childbearing|child-bearing|pregnan|contracepti|amenorrh|\bfsh\b|estradiol|"
    r"reproductive potential|by history|\bmenses\b|hysterectom|\bcan be\b|\bmay be\b",
    re.IGNORECASE,
)
_SEX_FEMALE = re.compile(
    r"^(?:female|women|woman)\b|\bfemale (?:sex|gender|patients?|participants?|subjects?)\b|"
    r"^(?:patients?|participants?|subjects?) (?:must be|are) (?:female|women)\b",
    re.IGNORECASE,
)
# Words that make a sentence naming one sex a condition on that sex ("male participants must
# agree not to donate sperm", "women who are breast feeding", "female participants can be
# pre-, peri- or postmenopausal"), not a limit on who may join.
_SEX_CONDITION = re.compile(
    r"lactat|breast[- ]?feed|nursing|sperm|fertil|reproductive|menses|menopaus|amenorr|"
    r"hysterectom|oophorectom|tubal|agree|willing|must use|\bcan be\b|\bmay be\b|"
    r"\bmust (?:either )?be (?:of|on|receiving|willing)|receiving|sterili",
    re.IGNORECASE,
)
_SEX_MALE = re.compile(
    r"^(?:male|men|man)\b|\bmale (?:sex|gender|patients?|participants?|subjects?)\b|"
    r"^(?:patients?|participants?|subjects?) (?:must be|are) (?:male|men)\b",
    re.IGNORECASE,
)

# --- numbers -----------------------------------------------------------------------------
_AGE_CONTEXT = re.compile(
    r"\bage[ds]?\b|of age|years? old|year-old|or older|\badults?\b", re.IGNORECASE
)
_AGE_RE = re.compile(
    r"(?P<op>≥|>|≤|<|at least|over|older than|greater than(?: or equal to)?|more than|"
    r"younger than|less than|under|up to|above|below)?\s*(?P<a>\d{1,3})\s*"
    r"(?:(?:-|–|to|and)\s*(?P<b>\d{1,3})\s*)?(?:years?|yrs?|y/o|y\.o\.)?\s*(?:of age|old)?\s*"
    r"(?P<post>or (?:older|over|above|greater|more)|and (?:older|over|above)|or (?:younger|less|"
    r"below)|\+)?",
    re.IGNORECASE,
)
_ECOG_RE = re.compile(r"\b(?:ecog|eastern cooperative oncology group|who|zubrod)\b", re.IGNORECASE)
_PS_VALUES = re.compile(
    r"^[^0-9]{0,45}?(?P<op>≤|<|≥|>|less than or equal to|less than|at most|up to|no (?:more|"
    r"greater) than|greater than or equal to|greater than|at least)?\s*(?P<a>[0-4])\b"
    r"(?:\s*(?:-|–|to|or|and|,)\s*(?P<b>[0-4])\b)?(?:\s*(?:,|or|, or)\s*(?P<c>[0-4])\b)?",
    re.IGNORECASE,
)
_PS_BEFORE = re.compile(
    r"performance status(?: score)?\s*(?:\(ps\))?\s*(?:of|:|=)?\s*(?P<op>≤|<|≥|>)?\s*(?P<a>[0-4])\b"
    r"(?:\s*(?:-|–|to|or|and|,)\s*(?P<b>[0-4])\b)?(?:\s*(?:,|or|, or)\s*(?P<c>[0-4])\b)?",
    re.IGNORECASE,
)
_KPS_RE = re.compile(
    r"\b(?:karnofsky|kps)\b[^0-9]{0,40}?(?P<op>≥|>|≤|<|at least|of|greater than)?\s*(?P<a>\d{2,3})",
    re.IGNORECASE,
)
_LAB_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "anc",
        re.compile(
            r"absolute neutrophil(?:s)? count|\banc\b|(?<!segmented )neutrophils?"
            r"(?: count)?|absolute granulocyte count|\bagc\b",
            re.IGNORECASE,
        ),
    ),
    ("platelets", re.compile(r"platelets?(?: count)?|\bplt\b", re.IGNORECASE)),
    ("hemoglobin", re.compile(r"ha?emoglobin|\bhgb\b|\bhb\b", re.IGNORECASE)),
    (
        "bilirubin",
        re.compile(
            r"(?<!direct )(?<!indirect )(?<!conjugated )(?:total |serum )?"
            r"bilirubin(?! direct)|\btbil\b",
            re.IGNORECASE,
        ),
    ),
    ("creatinine", re.compile(r"(?:serum )?creatinine(?! clearance)(?! cl)", re.IGNORECASE)),
    (
        "ast",
        re.compile(
            r"\bast\b|aspartate (?:amino)?transaminase|aspartate aminotransferase|"
            r"\bsgot\b",
            re.IGNORECASE,
        ),
    ),
    (
        "alt",
        re.compile(
            r"\balt\b|alanine (?:amino)?transaminase|alanine aminotransferase|"
            r"\bsgpt\b",
            re.IGNORECASE,
        ),
    ),
)
_COMPARE = re.compile(
    r"(?P<op>≥|≤|>|<|at least|greater than or equal to|less than or equal to|greater than|"
    r"less than|more than|no (?:more|greater) than|not (?:more|greater) than|up to|above|"
    r"below|exceeding|must not exceed|not exceed)\s*(?P<v>\d+(?:,\d{3})*(?:\.\d+)?)?\s*"
    r"(?P<uln>(?:x|×|\*|times)?\s*(?:the\s+)?(?:institutional\s+)?(?:uln|upper limit(?:s)? of"
    r"(?: the)?(?: institutional)?(?: normal| the normal range)?))?",
    re.IGNORECASE,
)
_LAB_UNITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:x|×|\*)\s*10\s*(?:\^|e|\*\*)?\s*(?:9|⁹)\s*/\s*l", re.IGNORECASE), "10^9/L"),
    (
        re.compile(
            r"^(?:x|×|\*)\s*10\s*(?:\^|e|\*\*)?\s*(?:3|³)\s*/\s*(?:µ|u|mc|μ)l", re.IGNORECASE
        ),
        "10^3/uL",
    ),
    (re.compile(r"^(?:x|×|\*)\s*10\s*(?:\^|e|\*\*)?\s*(?:3|³)\s*/\s*mm", re.IGNORECASE), "10^3/uL"),
    (re.compile(r"^(?:cells\s*)?/\s*(?:µ|u|mc|μ)l", re.IGNORECASE), "/uL"),
    (re.compile(r"^(?:cells\s*)?/\s*(?:cu\s*)?mm\s*(?:3|³|\^3)?", re.IGNORECASE), "/mm3"),
    (re.compile(r"^k\s*/\s*(?:µ|u|mc|μ)l", re.IGNORECASE), "10^3/uL"),
    (re.compile(r"^g\s*/\s*dl", re.IGNORECASE), "g/dL"),
    (re.compile(r"^g\s*/\s*l", re.IGNORECASE), "g/L"),
    (re.compile(r"^mg\s*/\s*dl", re.IGNORECASE), "mg/dL"),
    (re.compile(r"^(?:µ|u|μ|micro)mol\s*/\s*l", re.IGNORECASE), "umol/L"),
    (re.compile(r"^mmol\s*/\s*l", re.IGNORECASE), "mmol/L"),
)


@dataclass
class _Found:
    """A concept mention with what it means, before ConText has judged it."""

    mention: Mention
    constraint: Constraint
    scoped: Scoped | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _num(word: str) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


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


# --- finders -----------------------------------------------------------------------------
_RECEPTOR_HINT = re.compile(r"her|erbb|receptor|triple|tnbc|(?-i:ER|PR|HR|PgR)", re.IGNORECASE)
_LAB_HINT = re.compile(
    r"neutrophil|\banc\b|granulocyte|\bagc\b|platelet|\bplt\b|ha?emoglobin|\bhgb\b|\bhb\b|"
    r"bilirubin|\btbil\b|creatinine|\bast\b|\balt\b|aspartate|alanine|sgot|sgpt",
    re.IGNORECASE,
)
_LINES_HINT = re.compile(
    r"\blines?\b|\bregimens?\b|untreated|(?:endocrine|hormonal) therapies|progress|"
    r"(?:prior|previous) chemotherap",
    re.IGNORECASE,
)


def _receptors(text: str) -> list[_Found]:
    found: list[_Found] = []
    if not _RECEPTOR_HINT.search(text):
        return found
    for m in _TNBC_RE.finditer(text):
        found.append(
            _Found(
                Mention(m.start(), m.end(), "RECEPTOR"),
                Constraint(type="triple_negative", words=m.group(0)),
            )
        )
    taken = [(f.mention.start, f.mention.end) for f in found]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in _HER2_ALTERED_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        taken.append((m.start(), m.end()))
        words = m.group(0)
        if re.search(r"mutat|mutant", words, re.IGNORECASE):
            found.append(
                _Found(
                    Mention(m.start(), m.end(), "GENE"),
                    Constraint(type="alteration", genes=("ERBB2",), words=words),
                )
            )
        else:  # "HER2 alterations": amplification, overexpression or mutation
            found.append(
                _Found(
                    Mention(m.start(), m.end(), "HER2_ALTERED"),
                    Constraint(type="her2", statuses=("positive",), words=words),
                    extra={"or_gene": "ERBB2"},
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
                continue  # 2+ needs the ISH result to mean anything
        else:
            status = _fold_status(m.group("status") or m.group("pre") or m.group("pre2") or "")
        if status not in ("positive", "negative", "low", "ultralow", "zero", "expressing"):
            continue
        found.append(
            _Found(
                Mention(m.start(), m.end(), "RECEPTOR"),
                Constraint(type="her2", statuses=(status,), words=m.group(0)),
            )
        )
    for m in _HR_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
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
        status = _fold_status(m.group("status"))
        if status == "poor":
            status = "low"
        if status == "expressing":
            status = "positive"
        if status not in ("positive", "negative", "low"):
            continue
        found.append(
            _Found(
                Mention(m.start(), m.end(), "RECEPTOR"),
                Constraint(
                    type="hormone_receptor", receptor=receptor, statuses=(status,), words=m.group(0)
                ),
            )
        )
    return found


def _genes(text: str) -> list[_Found]:
    found: list[_Found] = []
    for m in _GENE_RE.finditer(text):
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
            _Found(
                Mention(m.start(), m.end(), "GENE"),
                Constraint(type="alteration", genes=genes, germline=germline, words=m.group(0)),
            )
        )
    return _merge_genes(text, found)


def _merge_genes(text: str, found: list[_Found]) -> list[_Found]:
    """ "PIK3CA/AKT1/PTEN", "BRCA1, BRCA2 or PALB2": one alteration in any of them."""
    merged: list[_Found] = []
    for item in found:
        if merged:
            last = merged[-1]
            between = text[last.mention.end : item.mention.start]
            if re.fullmatch(r"\s*(?:/|,|or|and/or|,\s*or|-|\(|\))\s*(?:m\b)?\s*", between):
                genes = tuple(dict.fromkeys((*last.constraint.genes, *item.constraint.genes)))
                merged[-1] = _Found(
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


_AFTER_THERAPY = re.compile(
    r"^\s*(?:after|of|from|following)\s+(?:the\s+)?(?:completion|last dose|last administration|"
    r"end|stopping|discontinu|cessation|finishing|completing)",
    re.IGNORECASE,
)


_WINDOW_HINT = re.compile(
    r"within|prior to|before|\bof (?:the )?(?:first|start)|\bin the "
    r"(?:last|past|previous)",
    re.IGNORECASE,
)
_COMPARE_HINT = re.compile(
    r"[≥≤<>]|at least|less than|greater than|more than|up to|above|"
    r"below|exceed|no more|not more",
    re.IGNORECASE,
)


_SINCE_RE = re.compile(
    r"(?:at least|≥|more than|>|greater than|minimum of)\s*"
    + _NUM
    + r"\s*(?:day|week|month|year)s?"
    r"\s*(?:\([^)]*\)\s*)?(?:since|from|after|have elapsed|must have elapsed|between|prior)",
    re.IGNORECASE,
)
_CURRENT_RE = re.compile(
    r"currently (?:taking|receiving|on|using|treated with|being treated with|undergoing)|"
    r"current (?:use|treatment) (?:of|with)|\btaking\b|"
    r"must be (?:on|receiving|taking)|(?:is|are) (?:on|receiving|taking) (?:an? |a stable )",
    re.IGNORECASE,
)


_FROM_START = re.compile(
    r"^\s*(?:of|after|from)\s+(?:the\s+)?(?:receiving|starting|initiating|initiation|start|"
    r"beginning|commencing|first dose)",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r";|,?\s+and/or\s+|,\s+or\s+|\.\s+(?=[A-Z])", re.IGNORECASE)

# What a time window counts from: back from today ("within 4 weeks before the first dose"),
# from the end of a therapy ("relapse within 12 months after completing it"), from its start
# ("progression within 6 months of starting it"), or a reverse window ("at least 4 weeks since").
Window = tuple[int | None, str | None]


def _window_days(text: str) -> Window:
    """The time window of a clause in days, and what it counts from (see `Window`)."""
    if _SINCE_RE.search(text):
        return None, "reverse"
    if _CURRENT_RE.search(text):
        return 0, "now"
    if not _WINDOW_HINT.search(text):
        return None, None
    for m in _WITHIN_RE.finditer(text):
        n = _num(m.group("n") or m.group("n2") or "")
        unit = (m.group("u") or m.group("u2") or "").lower()
        if n is None or not unit:
            continue
        if m.group("rev") or m.group("rev2"):
            return None, "reverse"
        days = round(n * _UNIT_DAYS[unit])
        rest = text[m.end() :]
        if _AFTER_THERAPY.match(rest):
            return days, "after_stop"
        if _FROM_START.match(rest) and re.search(
            r"relapse|recurr|progress", text[: m.start()], re.IGNORECASE
        ):
            return days, "after_start"
        return days, "now"
    return None, None


def _clause(text: str, start: int, end: int) -> str:
    """The clause around a mention: alternatives joined by "and/or", ", or", ";" or a new
    sentence each carry their own time window."""
    left = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, start):
        left = m.end()
    right_match = _CLAUSE_BREAK.search(text, end)
    right = right_match.start() if right_match else len(text)
    return text[left:right]


_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")


def _sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a criterion with their offsets ("1.5" and "e.g." do not split)."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in _SENTENCE.finditer(text):
        out.append((start, text[start : m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return out


_PLANNED = re.compile(
    r"initiat\w*|recommended|planned|planning|scheduled|candidates? for|eligible for|"
    r"to receive|will receive|suitable for|appropriate for|about to (?:start|begin)",
    re.IGNORECASE,
)


def planned_therapy(text: str, kb: Knowledge) -> bool:
    """Whether a sentence ties eligibility to a treatment the person is to start
    ("for which initiating aromatase inhibitor therapy is recommended"): a treatment-history
    question the parser leaves to the study team."""
    if not _PLANNED.search(text):
        return False
    vocab = therapy_vocabulary(kb)
    for _, sentence in _sentences(text):
        if _PLANNED.search(sentence) and (
            vocab.drug_pattern.search(sentence)
            or any(p.search(sentence) for p, _, _ in vocab.class_patterns)
        ):
            return True
    return False


def _therapies(text: str, kb: Knowledge, skip: list[tuple[int, int]]) -> list[_Found]:
    """Therapies named in sentences about treatment history (a sentence about allergies,
    concomitant drugs or the study treatment itself says nothing about history)."""
    vocab = therapy_vocabulary(kb)
    found: list[_Found] = []
    spans: list[tuple[int, int]] = list(skip)

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in spans)

    for offset, sentence in _sentences(text):
        if not _PRIOR_CUE.search(sentence) or _NOT_HISTORY.search(sentence):
            continue
        for pattern, class_ids, families in vocab.class_patterns:
            for m in pattern.finditer(sentence):
                a, b = offset + m.start(), offset + m.end()
                if not free(a, b):
                    continue
                spans.append((a, b))
                found.append(
                    _Found(
                        Mention(a, b, "THERAPY"),
                        Constraint(
                            type="prior_therapy",
                            class_ids=class_ids,
                            families=families,
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
                _Found(
                    Mention(a, b, "THERAPY"),
                    Constraint(type="prior_therapy", drug_ids=(drug_id,), words=m.group(0)),
                )
            )
    return found


def _lines(text: str) -> tuple[Constraint | None, list[tuple[int, int]]]:
    """The number of prior lines of therapy a criterion allows or requires."""
    low: int | None = None
    high: int | None = None
    spans: list[tuple[int, int]] = []
    families: tuple[str, ...] = ()
    words: list[str] = []
    progressed = False
    if not _LINES_HINT.search(text):
        return None, spans
    for m in _LINES_RE.finditer(text):
        what = m.group("what") or ""
        head = text[max(0, m.start() - 40) : m.start()]
        phrase = m.group(0)
        if re.search(r"\b(?:neo-?)?adjuvant\b", phrase + what) and not _METASTATIC_SETTING.search(
            phrase + what
        ):
            continue
        num = m.group("num").lower()
        rng = re.fullmatch(r"(\d+)\s*(?:-|–|to|or)\s*(\d+)", num)
        more = (m.group("more") or "").strip().lower()
        lo: int | None
        hi: int | None
        if rng:
            first, second = int(rng.group(1)), int(rng.group(2))
            lo, hi = min(first, second), max(first, second)
        else:
            n = _num(num)
            if n is None or n > 15:
                continue
            lo, hi = n, None
            if _NOT_MORE_THAN.search(head):
                # "must not have received more than 3 lines": at most 3
                lo, hi = None, n
            elif _LINES_MAX.search(head) or more in ("or fewer", "or less"):
                strict = re.search(
                    r"(?:fewer than|less than|<)\s*(?:\w+\s+)?$", head, re.IGNORECASE
                )
                lo, hi = None, (n - 1 if strict else n)
            elif _LINES_MIN.search(head):
                strict = re.search(
                    r"(?:more than|greater than|>|over)\s*(?:\w+\s+)?$", head, re.IGNORECASE
                )
                lo = n + 1 if strict else n
        if lo is not None:
            low = lo if low is None else max(low, lo)
        if hi is not None:
            high = hi if high is None else min(high, hi)
        spans.append((m.start(), m.end()))
        words.append(phrase.strip())
        scope_words = (phrase + what).lower()
        if _ANTI_HER2.search(scope_words):
            families = ("anti_her2",)
        elif re.search(r"chemo|cytotoxic", scope_words):
            families = ("chemotherapy",)
            if re.search(r"\badcs?\b|antibody[- ]drug conjugate", scope_words):
                families = ("chemotherapy", "adc")
        elif re.search(r"endocrine|hormon", scope_words):
            families = ("endocrine",)
    for m in _LINES_BETWEEN.finditer(text):
        at_least, at_most = _num(m.group("a")), _num(m.group("b"))
        if at_least is None or at_most is None:
            continue
        below = bool(re.match(r"fewer|less|<", m.group("op"), re.IGNORECASE))
        low = at_least if low is None else max(low, at_least)
        top = at_most - 1 if below else at_most
        high = top if high is None else min(high, top)
        spans.append((m.start(), m.end()))
        words.append(m.group(0))
    after = _PROGRESSED_ON_PRIOR.search(text)
    if after:
        # "progression on or after the most recent systemic therapy": at least one line,
        # and the last one stopped working (or could not be taken)
        low = 1 if low is None else max(low, 1)
        progressed = True
        spans.append((after.start(), after.end()))
        words.append(after.group(0))
    untreated = _FIRST_LINE_ONLY.search(text)
    if untreated:
        high = 0 if high is None else min(high, 0)
        spans.append((untreated.start(), untreated.end()))
        words.append(untreated.group(0))
    if low is None and high is None:
        return None, spans
    return (
        Constraint(
            type="prior_lines",
            minimum=low,
            maximum=high,
            families=families,
            statuses=("progressed",) if progressed else (),
            setting="metastatic",
            words="; ".join(words),
        ),
        spans,
    )


def _brain(text: str, section: Section) -> list[_Found]:
    found = []
    carve_out = bool(_BRAIN_CARVE_OUT.search(text))
    for m in _BRAIN_RE.finditer(text):
        if "lepto" in m.group(0).lower() or "mening" in m.group(0).lower():
            state = "leptomeningeal"
        else:
            # "any brain lesion thought to require immediate local therapy": the state words
            # may sit a few words after the mention
            near = text[max(0, m.start() - 40) : m.end() + 45]
            steroids = re.search(
                r"steroid|dexamethasone", text[max(0, m.start() - 80) : m.start()], re.I
            )
            # "corticosteroids for symptoms of brain metastases": metastases needing steroids
            state = "active" if (_BRAIN_ACTIVE.search(near) or carve_out or steroids) else "any"
        found.append(
            _Found(
                Mention(m.start(), m.end(), "BRAIN"),
                Constraint(type="brain_metastases", statuses=(state,), words=m.group(0)),
                extra={"carve_out": carve_out},
            )
        )
    return found[:2]


def _age(text: str) -> Constraint | None:
    if not _AGE_CONTEXT.search(text):
        return None
    for m in _AGE_RE.finditer(text):
        a = int(m.group("a"))
        if not 10 <= a <= 100:
            continue
        around = text[max(0, m.start() - 30) : m.end() + 20]
        if not _AGE_CONTEXT.search(around):
            continue
        if re.search(
            r"\b(?:within|for|past|last|after|since|prior|ago|before)\s*$",
            text[max(0, m.start() - 12) : m.start()],
            re.IGNORECASE,
        ):
            continue
        op = (m.group("op") or "").lower()
        post = (m.group("post") or "").lower()
        b = m.group("b")
        if b is not None:
            hi = int(b)
            if hi <= a or hi > 120:
                continue
            return Constraint(type="age", minimum=a, maximum=hi, words=m.group(0).strip())
        if op in ("≥", "at least", "greater than or equal to") or re.search(
            r"older|over|above|greater|more|\+", post
        ):
            return Constraint(type="age", minimum=a, words=m.group(0).strip())
        if op in (">", "over", "older than", "greater than", "more than", "above"):
            return Constraint(type="age", minimum=a, strict=True, words=m.group(0).strip())
        if op in ("≤", "up to") or re.search(r"younger|less|below", post):
            return Constraint(type="age", maximum=a, words=m.group(0).strip())
        if op in ("<", "younger than", "less than", "under", "below"):
            return Constraint(type="age", maximum=a, strict=True, words=m.group(0).strip())
    return None


def _ps_range(m: re.Match[str]) -> tuple[float | None, float | None]:
    op = (m.group("op") or "").lower()
    values = [int(v) for v in (m.group("a"), m.group("b"), m.group("c")) if v is not None]
    if len(values) > 1:
        return float(min(values)), float(max(values))
    v = values[0]
    if op in ("≤", "less than or equal to", "at most", "up to") or op.startswith("no "):
        return None, float(v)
    if op in ("<", "less than"):
        return None, float(v - 1)
    if op in ("≥", "greater than or equal to", "at least"):
        return float(v), None
    if op in (">", "greater than"):
        return float(v + 1), None
    return float(v), float(v)


def _performance(text: str) -> list[Constraint]:
    out: list[Constraint] = []
    ecog = _ECOG_RE.search(text)
    if ecog and (ecog.group(0).lower() != "who" or "performance" in text.lower()):
        m = _PS_VALUES.match(text[ecog.end() : ecog.end() + 80])
        if m is None:
            m = _PS_BEFORE.search(text[max(0, ecog.start() - 80) : ecog.end() + 5])
        if m is not None:
            low, high = _ps_range(m)
            out.append(
                Constraint(
                    type="performance_status",
                    scale="ecog",
                    minimum=low,
                    maximum=high,
                    words=text[ecog.start() : ecog.end() + 40],
                )
            )
    kps = _KPS_RE.search(text)
    if kps:
        value = int(kps.group("a"))
        op = (kps.group("op") or "").lower()
        if 10 <= value <= 100 and "lansky" not in text[kps.start() : kps.end()].lower():
            if op in ("≤", "<"):
                out.append(
                    Constraint(
                        type="performance_status",
                        scale="karnofsky",
                        maximum=value,
                        strict=op == "<",
                        words=kps.group(0),
                    )
                )
            else:
                out.append(
                    Constraint(
                        type="performance_status",
                        scale="karnofsky",
                        minimum=value,
                        strict=op in (">", "greater than"),
                        words=kps.group(0),
                    )
                )
    return out


def _lab_value(raw: str) -> float:
    return float(raw.replace(",", ""))


def _labs(text: str, kb: Knowledge) -> list[Constraint]:
    from nextline.record.units import UnitError, to_canonical

    out: list[Constraint] = []
    seen: set[str] = set()
    if not _LAB_HINT.search(text) or not _COMPARE_HINT.search(text):
        return out
    for test_id, pattern in _LAB_NAMES:
        for name in pattern.finditer(text):
            if test_id in seen:
                break
            rest = text[name.end() : name.end() + 110]
            cmp_ = _COMPARE.search(rest)
            if cmp_ is None or (cmp_.group("v") is None and not cmp_.group("uln")):
                continue
            if re.search(r"clearance|crcl|egfr|gfr\b", rest[: cmp_.start()], re.IGNORECASE):
                continue
            op = cmp_.group("op").lower()
            is_max = op in (
                "≤",
                "<",
                "less than or equal to",
                "less than",
                "up to",
                "below",
                "must not exceed",
                "not exceed",
            ) or op.startswith(("no ", "not "))
            is_min = not is_max
            strict = op in (
                ">",
                "<",
                "greater than",
                "less than",
                "more than",
                "above",
                "below",
                "exceeding",
            )
            value = _lab_value(cmp_.group("v")) if cmp_.group("v") else 1.0
            test = kb.lab_tests.get(test_id)
            if test is None:
                continue
            if cmp_.group("uln"):
                unit = "xULN"
                canonical = value
            else:
                after = rest[cmp_.end() :].lstrip()
                written = next((u for p, u in _LAB_UNITS if p.match(after)), None)
                written = written or _implied_unit(test_id, value)
                if written is None:
                    continue
                if (
                    test_id in ("anc", "platelets")
                    and written == "10^9/L"
                    and value >= 100 * (10 if test_id == "platelets" else 1)
                ):
                    # "platelets ≥ 100,000 x 10^9/L": the number is per µL, the unit a slip
                    written = "/uL"
                try:
                    canonical = to_canonical(
                        value, written, test.canonical_unit, test.molar_mass_g_per_mol
                    )
                except UnitError:
                    continue
                unit = test.canonical_unit
            seen.add(test_id)
            tail = rest[cmp_.end() :]
            soft = bool(_LAB_ALTERNATIVE.search(tail))
            out.append(
                Constraint(
                    type="lab",
                    test_id=test_id,
                    unit=unit,
                    strict=strict,
                    soft=soft,
                    minimum=canonical if is_min else None,
                    maximum=canonical if is_max else None,
                    words=(name.group(0) + " " + rest[: cmp_.end() + 12]).strip(),
                )
            )
    return out


_LAB_ALTERNATIVE = re.compile(
    r"\bor\b|\bif\b|\bunless\b|\bexcept\b|(?:for|in) (?:patients|subjects|participants|"
    r"those|case)|gilbert|liver metasta|hepatic metasta|bone metasta",
    re.IGNORECASE,
)


def _implied_unit(test_id: str, value: float) -> str | None:
    """Blood counts written without a unit: the size of the number says which one (1,500
    is per µL, 1.5 is ×10⁹/L). Chemistry without a unit is not guessed."""
    if test_id in ("anc", "platelets"):
        return "/uL" if value >= 100 else "10^9/L"
    return None


_STAGE_HINT = re.compile(
    r"metasta|advanced|unresectable|inoperable|stage|\bm0\b|early|"
    r"operable|locali[sz]ed|adjuvant|dcis|in situ",
    re.IGNORECASE,
)


def _stage(text: str, section: Section) -> list[_Found]:
    out: list[_Found] = []
    if not _STAGE_HINT.search(text) or _NOT_STAGE_CONTEXT.search(text):
        return out
    if section == "inclusion":
        early = _EARLY_RE.search(text)
        advanced_first = _ADVANCED_RE.search(text)
        if early and advanced_first and advanced_first.start() < early.start():
            # "metastatic breast cancer ... (documented on early-stage or metastatic
            # samples)": the early words describe something else
            early = None
        if early:
            out.append(
                _Found(
                    Mention(early.start(), early.end(), "STAGE"),
                    Constraint(type="disease_stage", statuses=("early",), words=early.group(0)),
                )
            )
            return out
        advanced = _ADVANCED_RE.search(text)
        if advanced and re.search(
            r"cancer|carcinoma|disease|tumou?r|\bmbc\b|\babc\b", text, re.IGNORECASE
        ):
            out.append(
                _Found(
                    Mention(advanced.start(), advanced.end(), "STAGE"),
                    Constraint(
                        type="disease_stage", statuses=("advanced",), words=advanced.group(0)
                    ),
                )
            )
    else:
        m = _METASTATIC_EXCLUSION.search(text)
        if m and len(text.split()) <= 25:
            out.append(
                _Found(
                    Mention(m.start(), m.end(), "STAGE"),
                    Constraint(type="disease_stage", statuses=("advanced",), words=m.group(0)),
                )
            )
    return out


def _menopause(text: str) -> list[_Found]:
    mentions = list(_MENO_RE.finditer(text))
    if not mentions or _MENO_DEFINITION.search(text):
        return []
    statuses = {f"{m.group(1).lower()}menopausal" for m in mentions}
    if _OFS_RE.search(text):
        statuses = {"premenopausal", "perimenopausal", "postmenopausal"}
    first, last = mentions[0], mentions[-1]
    return [
        _Found(
            Mention(first.start(), last.end(), "MENO"),
            Constraint(
                type="menopausal_status",
                statuses=tuple(sorted(statuses)),
                words=text[first.start() : last.end()],
            ),
        )
    ]


def _sex(text: str) -> Constraint | None:
    if _SEX_CONDITION.search(text):
        return None
    female = bool(_SEX_FEMALE.search(text))
    male = bool(_SEX_MALE.search(text))
    if re.search(r"\b(?:men|males?)\b", text, re.IGNORECASE) and re.search(
        r"\b(?:women|females?)\b", text, re.IGNORECASE
    ):
        return None
    if female == male:
        return None
    if re.search(r"childbearing|child-bearing|pregnan|contracepti|partner", text, re.IGNORECASE):
        return None
    return Constraint(
        type="sex",
        statuses=("female",) if female else ("male",),
        words="female" if female else "male",
    )


# --- topics: key subjects the criterion mentions, used when nothing was read ---------------
_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("her2", re.compile(_HER2, re.IGNORECASE)),
    (
        "hormone_receptor",
        re.compile(r"hormone[- ]receptor|estrogen[- ]receptor|(?-i:\bER\b|\bHR\b)", re.IGNORECASE),
    ),
    ("triple_negative", _TNBC_RE),
    ("alteration", _GENE_RE),
    ("brain_metastases", _BRAIN_RE),
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


_NOT_A_CRITERION = re.compile(
    r"^(?:note\b|additional (?:inclusion |exclusion )?criteria\b)", re.IGNORECASE
)
_BRAIN_CONDITIONS = re.compile(
    r"must (?:have been|be) (?:\w+ ){0,2}(?:treated|stable|asymptomatic)|"
    r"(?:if|provided|as long as) (?:they|the|it|brain|cns|lesions?)\b[^.;]{0,60}"
    r"(?:treated|stable|asymptomatic)",
    re.IGNORECASE,
)
_JOINED_CONDITIONS = re.compile(
    r"\bwithout\b|\bwho (?:have|has|had)\b|\band (?:had|have|has)\b", re.IGNORECASE
)
# An age inside a definition of menopause or of child-bearing potential ("post-menopausal:
# ≥ 60 years old, or < 60 with no menses for 12 months") is not an age limit.
_AGE_IN_DEFINITION = re.compile(
    r"menopaus|\bmenses\b|amenorr|non-?reproductive|reproductive potential|hysterectom|"
    r"oophorectom",
    re.IGNORECASE,
)
_RESTATES_EXCLUSION = re.compile(
    r"\b(?:is|are) not (?:allowed|permitted|eligible)|\bnot (?:be )?(?:allowed|permitted)\b|"
    r"\b(?:is|are) (?:excluded|ineligible|prohibited)\b",
    re.IGNORECASE,
)
_STARTS_NEGATIVE = re.compile(
    r"^\W*(?:no|without|never|must not|has not|have not)\b", re.IGNORECASE
)
_LINES_ALLOWANCE = re.compile(r"may have (?:received|had)|allowed|permitted|up to", re.IGNORECASE)


def _sentence_of(text: str, index: int) -> str:
    """The sentence of `text` that holds position `index`."""
    start = 0
    for offset, _ in _sentences(text):
        if offset > index:
            break
        start = offset
    end = next((o for o, _ in _sentences(text) if o > start), len(text))
    return text[start:end]


def _either(raw: RawCriterion, cohort: str | None, kb: Knowledge) -> Criterion | None:
    """Two or more histories offered as alternatives, each read on its own; None when the
    criterion is one clause or only one side could be read."""
    from nextline.trials.eligibility.logic import split_alternatives

    parts = split_alternatives(raw.text)
    if len(parts) < 2:
        return None
    read = [
        read_criterion(RawCriterion(text=p, section=raw.section, group=None, cohort=None), kb)
        for p in parts
    ]
    if any(not r.groups and not r.topics for r in read) or sum(bool(r.groups) for r in read) < 2:
        return None
    groups = tuple(dict.fromkeys(g for r in read for g in r.groups))
    topics = tuple(dict.fromkeys(t for r in read for t in r.topics))
    return Criterion(
        text=raw.text,
        section=raw.section,
        group=raw.group,
        cohort=cohort,
        groups=groups,
        topics=topics,
    )


def _about_other_cancers(text: str) -> bool:
    """A criterion that names other cancers and not breast cancer (in a basket trial)."""
    from nextline.trials.eligibility.study_record import mentions_other_cancer

    return "breast" not in text.lower() and mentions_other_cancer(text)


def read_criterion(raw: RawCriterion, kb: Knowledge) -> Criterion:
    """One criterion's constraints (see the module docstring)."""
    from nextline.trials.eligibility.logic import requirement_text

    read = requirement_text(raw.text)
    if read != raw.text:
        inner = read_criterion(
            RawCriterion(text=read, section=raw.section, group=raw.group, cohort=raw.cohort), kb
        )
        return inner.model_copy(update={"text": raw.text})
    text = raw.text
    section = raw.section
    cohort = raw.cohort
    if text.rstrip().endswith(":") or _NOT_A_CRITERION.match(text):
        # a heading for the items below it ("Prior Systemic Therapy Criteria:"), or a note
        return Criterion(text=text, section=section, group=raw.group, cohort=cohort)
    if cohort is None and _about_other_cancers(text):
        cohort = "other cancer types"  # a basket trial's criterion for another tumour
    if section == "inclusion":
        either = _either(raw, cohort, kb)
        if either is not None:
            return either
    concept_found: list[_Found] = []
    concept_found += _receptors(text)
    concept_found += _genes(text)
    lines_constraint, line_spans = _lines(text)
    concept_found += _therapies(text, kb, line_spans)
    concept_found += _brain(text, section)
    concept_found += _stage(text, section)
    concept_found += _menopause(text)
    if (
        _MEASURABLE_RE.search(text)
        and section == "inclusion"
        and (not _NOT_STRICTLY_MEASURABLE.search(text) or _BONE_ONLY_IF_MEASURABLE.search(text))
    ):
        m = _MEASURABLE_RE.search(text)
        assert m is not None
        concept_found.append(
            _Found(
                Mention(m.start(), m.end(), "MEASURABLE"),
                Constraint(type="measurable_disease", words=m.group(0)),
            )
        )

    concept_found.sort(key=lambda f: (f.mention.start, -f.mention.end))
    scoped = scope(text, [f.mention for f in concept_found])
    by_mention = {s.mention: s for s in scoped}
    brain_allowance = any(
        s.mention.label == "BRAIN" and (s.allowed or s.conditional) for s in scoped
    ) or bool(_BRAIN_CONDITIONS.search(text))
    setting: str | None = None
    if _METASTATIC_SETTING.search(text) and not _EARLY_SETTING.search(text):
        setting = "metastatic"
    elif _EARLY_SETTING.search(text) and not _METASTATIC_SETTING.search(text):
        setting = "early"

    therapies: list[tuple[Constraint, int, int]] = []
    gene_alternatives: list[Constraint] = []  # "HER2-altered": positive, or an ERBB2 mutation
    receptors: list[Constraint] = []
    receptor_gaps: list[bool] = []  # True where an "or" separates from the previous one
    others: list[Constraint] = []
    skipped: set[str] = set()
    last_receptor_end: int | None = None
    for item in concept_found:
        judged = by_mention.get(item.mention)
        if judged is None:
            continue
        c = item.constraint
        kind = c.type
        if judged.conditional or judged.excepted:
            skipped.add(kind)
            continue
        if kind == "brain_metastases" and brain_allowance:
            if section == "inclusion":
                skipped.add(kind)  # "patients with treated brain metastases are eligible"
                continue
            if c.statuses == ("any",):  # the exclusion spares treated, stable metastases
                c = c.model_copy(update={"statuses": ("active",)})
        if judged.allowed and not (
            kind == "brain_metastases" and item.extra.get("carve_out") and section == "exclusion"
        ):
            skipped.add(kind)
            continue
        negated = judged.negated
        if judged.prohibited:
            # "must not have received X": absent in an inclusion; in an exclusion the same
            # words restate what excludes ("patients may not have received X")
            negated = section == "inclusion"
        if kind == "brain_metastases" and section == "exclusion":
            negated = False  # exclusions list what excludes; the state word carries the rest
        if kind == "prior_therapy":
            days, counted_from = _window_days(_clause(text, item.mention.start, item.mention.end))
            if counted_from == "reverse":
                skipped.add(kind)
                continue
            field = {"after_stop": "relapse_within_days", "after_start": "progressed_within_days"}
            c = c.model_copy(
                update={field.get(counted_from or "", "within_days"): days, "setting": setting}
            )
        if kind == "measurable_disease" and negated:
            skipped.add(kind)
            continue
        if (
            kind == "brain_metastases"
            and section == "inclusion"
            and not negated
            and not re.search(
                r"must have|presence of|evidence of|documented|with (?:\w+ ){0,3}"
                r"(?:brain|cns)",
                text,
                re.IGNORECASE,
            )
        ):
            skipped.add(kind)
            continue
        if kind == "disease_stage":
            negated = False  # "no evidence of metastasis" is read by the stage patterns
        if negated:
            c = c.model_copy(update={"negated": True})
        if kind == "prior_therapy":
            therapies.append((c, item.mention.start, item.mention.end))
            continue
        if kind in ("hormone_receptor", "her2", "triple_negative"):
            gap = False
            if last_receptor_end is not None:
                between = text[last_receptor_end : item.mention.start]
                gap = bool(re.search(r"\bor\b", between))  # "ER and/or PR": either
            receptors.append(c)
            receptor_gaps.append(gap)
            last_receptor_end = item.mention.end
            if item.extra.get("or_gene") and not negated:
                gene_alternatives.append(
                    Constraint(type="alteration", genes=("ERBB2",), words=c.words)
                )
        else:
            others.append(c)
    if section == "exclusion" and _RESTATES_EXCLUSION.search(text):
        # "prior endocrine therapy ... is not allowed": the "not" restates the exclusion
        therapies = [(c.model_copy(update={"negated": False}), a, b) for c, a, b in therapies]
    elif _STARTS_NEGATIVE.match(text) and any(c.negated for c, _, _ in therapies):
        # "No prior systemic therapy (chemotherapy, targeted or endocrine therapy)": the list
        # spells out what is ruled out
        therapies = [(c.model_copy(update={"negated": True}), a, b) for c, a, b in therapies]
    if therapies or lines_constraint is not None:
        # "chemotherapy for metastatic disease": the stage names the setting of the therapy
        others = [c for c in others if c.type != "disease_stage"]
    others += _merge_therapies(text, therapies)
    if lines_constraint is not None:
        if (
            _LINES_ALLOWANCE.search(_sentence_of(text, line_spans[0][0] if line_spans else 0))
            and lines_constraint.maximum is None
            and lines_constraint.minimum is not None
        ):
            # "may have received 1 prior chemotherapy regimen": a ceiling, not a requirement
            lines_constraint = lines_constraint.model_copy(
                update={"maximum": lines_constraint.minimum, "minimum": None}
            )
        others.append(lines_constraint)
    if section == "inclusion":
        from nextline.trials.eligibility.refractory import standard_options_constraint

        no_standard = standard_options_constraint(text)
        if no_standard is not None:
            others.append(no_standard)
    others += _performance(text)
    others += _labs(text, kb)
    age = _age(text)
    if age is not None and not _AGE_IN_DEFINITION.search(text):
        others.append(age)
    sex = _sex(text)
    if sex is not None:
        others.append(sex)

    groups = _receptor_groups(receptors, receptor_gaps)
    groups += [[alternative] for alternative in gene_alternatives]
    constraints: list[tuple[Constraint, ...]]
    if section == "inclusion":
        if groups:
            constraints = [(*g, *others) for g in groups]
        else:
            constraints = [tuple(others)] if others else []
    else:
        constraints = [tuple(g) for g in groups] + [(c,) for c in others]
    if (
        section == "exclusion"
        and len({c.type for g in constraints for c in g}) > 1
        and _JOINED_CONDITIONS.search(text)
    ):
        # "germline BRCA mutation without prior PARP inhibitor": both together exclude
        constraints = [tuple(c for g in constraints for c in g)]
    constraints = list(dict.fromkeys(constraints))
    flat = {c.type for g in constraints for c in g}
    topic_text = _ANTI_HER2.sub(" ", text)
    if "her2" in flat:
        topic_text = re.sub(
            r"(?:her-?2|erbb2)\s+(?:gene\s+)?amplification", " ", topic_text, flags=re.I
        )
    topics = tuple(
        dict.fromkeys(
            name
            for name, pattern in _TOPICS
            if name not in flat and name not in skipped and pattern.search(topic_text)
        )
    )
    if "prior_therapy" not in flat and planned_therapy(text, kb):
        topics = (*topics, "prior_therapy")
    return Criterion(
        text=text,
        section=section,
        group=raw.group,
        cohort=cohort,
        groups=tuple(constraints),
        topics=topics,
    )


_AND_BETWEEN = re.compile(
    r"\band\b|\bplus\b|\+|\bboth\b|as well as|followed by|\bwith\b", re.IGNORECASE
)


def _merge_therapies(text: str, found: list[tuple[Constraint, int, int]]) -> list[Constraint]:
    """Therapies listed as alternatives or examples ("a CDK4/6 inhibitor (palbociclib,
    ribociclib or abemaciclib)") become one constraint met by any of them; therapies joined
    by "and" ("endocrine therapy and a CDK4/6 inhibitor") stay separate, all required."""
    out: list[Constraint] = []
    last_end = -1
    for constraint, start, end in sorted(found, key=lambda f: f[1]):
        if out and out[-1].negated == constraint.negated:
            between = text[last_end:start]
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


def _receptor_groups(receptors: list[Constraint], gaps: list[bool]) -> list[list[Constraint]]:
    """Receptor mentions split at "or": "HR+/HER2- or TNBC" is two alternatives."""
    groups: list[list[Constraint]] = []
    for constraint, gap in zip(receptors, gaps, strict=True):
        if not groups or gap:
            if groups and gap and groups[-1] and _same_kind(groups[-1][-1], constraint):
                # "HER2-low or HER2-ultralow": one constraint with both statuses
                last = groups[-1][-1]
                groups[-1][-1] = last.model_copy(
                    update={
                        "statuses": tuple(dict.fromkeys((*last.statuses, *constraint.statuses)))
                    }
                )
                continue
            groups.append([constraint])
        else:
            groups[-1].append(constraint)
    out: list[list[Constraint]] = []
    for group in (_dedupe(g) for g in groups):
        if _conflict(group):
            out.extend([c] for c in group)  # "HR+ breast cancer, TNBC, HER2+": any one
        else:
            out.append(group)
    return out


def _same_kind(a: Constraint, b: Constraint) -> bool:
    return (
        a.type == b.type
        and a.receptor == b.receptor
        and a.negated == b.negated
        and a.type != "triple_negative"
    )


def _dedupe(group: list[Constraint]) -> list[Constraint]:
    out: list[Constraint] = []
    for c in group:
        key = (c.type, c.receptor, c.statuses, c.negated)
        if all((o.type, o.receptor, o.statuses, o.negated) != key for o in out):
            out.append(c)
    return out
