"""Read a note a person wrote about how they feel into the signs a triage nurse listens for.

Pure (a function of the text and the vocabulary). The steps, each a standard clinical NLP
step rather than a scattered pattern:
1. tidy the text (contractions written without apostrophes, "cannot" → "can not");
2. spaCy's tokenizer and sentencizer (`spacy.blank("en")`: no model download, nothing leaves
   the machine);
3. a lemma-like form for every word (the Snowball English stemmer plus the vocabulary's
   irregular forms), so "legs", "leg"; "tingling", "tingles"; "feet", "foot" meet;
4. medspaCy target rules built from `symptom_vocabulary.yaml` (phrases and word pairs);
5. medspaCy ConText with the vocabulary's rules: "no fever", "fever last year", "if I get a
   fever", "my sister had a seizure" do not count; "I think I have a fever" does (flagged as
   possible), because a safety net asks rather than stays silent.
Numbers are read beside the words: a temperature (°C or °F, converted) and stools a day.

spaCy, medspaCy and the stemmer are imported on first use only, so commands that never read a
note do not pay for them.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

from nextline.assess._cache import once_per
from nextline.knowledge.symptom_schema import SymptomVocabularyFile

# Reading stops here: a note is a few lines; a pasted document is read in its first part,
# which keeps the tokenizer's time bounded whatever is pasted.
MAX_NOTE_CHARS = 20_000

_CONTRACTIONS = re.compile(
    r"\b(do|does|did|have|has|had|is|are|was|were|could|would|should|must)nt\b", re.IGNORECASE
)
_CANNOT = re.compile(r"\bcan\s*not\b|\bcant\b", re.IGNORECASE)
_WONT = re.compile(r"\bwont\b", re.IGNORECASE)
_CACHE_SIZE = 4096
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "´": "'"})
# Words inside a matched word pair that turn it around ("legs do not feel numb").
_PAIR = " (word pair)"
_GROUP = "nextline_signs"
# Categories about who the sign belongs to: a new clause ("..., he is always thirsty") does
# not end them; the writer coming back in ("I", "my") does.
_PEOPLE = frozenset({"FAMILY", "OTHER_MALE", "OTHER_FEMALE"})
_TEMPERATURE = "temperature value"
_NOT = "not:"
_INNER_NEGATION = frozenset(
    {"no", "not", "n't", "never", "nor", "without", "fine", "ok", "okay", "normal", "good"}
)


@dataclass(frozen=True, slots=True)
class Finding:
    """A sign the note affirms: its concept id, the words that said it, and whether the
    wording was uncertain ("maybe", "I think")."""

    concept: str
    words: str
    possible: bool


@dataclass(frozen=True, slots=True)
class Dismissed:
    """A sign the note mentions but does not affirm, and why (shown when asked "why not?")."""

    concept: str
    words: str
    why: str


@dataclass(frozen=True, slots=True)
class NoteReading:
    findings: tuple[Finding, ...]
    dismissed: tuple[Dismissed, ...]
    temperature_c: float | None
    temperature_words: str | None
    stools_per_day: int | None

    def has(self, concept: str) -> Finding | None:
        return next((f for f in self.findings if f.concept == concept), None)


_WHY = {
    "NEGATED_EXISTENCE": "said not to be there",
    "HISTORICAL": "in the past",
    "HYPOTHETICAL": "a worry or advice, not something that happened",
    "FAMILY": "about someone else",
    "OTHER_MALE": "about someone else",
    "OTHER_FEMALE": "about someone else",
}


def _negated_inside(span: Any) -> bool:
    """Whether a negation word inside a matched word pair turns it around: "legs don't feel
    numb" (the negation within three words before the pair's last word), not "legs feel like
    they don't belong to me and they're numb"."""
    inner = list(span[1:-1])
    return any(t.lower_ in _INNER_NEGATION for t in inner[-3:])


def tidy(text: str) -> str:
    """The note with apostrophes unified and contractions spelt the way the tokenizer splits
    them ("dont" → "don't", "cannot" → "can not")."""
    text = text[:MAX_NOTE_CHARS].translate(_APOSTROPHES)
    text = _CONTRACTIONS.sub(lambda m: m.group(1) + "n't", text)
    text = _CANNOT.sub("can not", text)
    return _WONT.sub("won't", text)


class _Stems:
    """Lemma-like forms: the vocabulary's irregular table first, then Snowball."""

    def __init__(self, irregular: dict[str, str]) -> None:
        from nltk.stem.snowball import EnglishStemmer

        self._stemmer = EnglishStemmer()
        self._irregular = {k.lower(): v.lower() for k, v in irregular.items()}

        self._known: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        word = word.lower()
        known = self._known.get(word)
        if known is None:
            if word in self._irregular:
                known = self._irregular[word]
            else:
                stem: str = self._stemmer.stem(word)
                known = self._irregular.get(stem, stem)
            if len(self._known) < 100_000:
                self._known[word] = known
        return known


class _Reader:
    """The spaCy pipeline for one vocabulary, built once."""

    def __init__(self, vocab: SymptomVocabularyFile) -> None:
        import spacy
        from medspacy.context import ConText, ConTextRule
        from medspacy.ner import TargetMatcher, TargetRule

        self.vocab = vocab
        self.stems = _Stems(vocab.irregular)
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        rules = []
        for concept in vocab.concepts:
            for phrase in concept.phrases:
                rules.append(TargetRule(phrase, concept.id, pattern=self._phrase_pattern(phrase)))
            for phrase in concept.not_phrases:
                pattern = self._phrase_pattern(phrase)
                rules.append(TargetRule(phrase, _NOT + concept.id, pattern=pattern))
            for pair in concept.near:
                a = sorted({self._stem_word(w) for w in pair.a})
                b = sorted({self._stem_word(w) for w in pair.b})
                gap: dict[str, Any] = {
                    "OP": f"{{0,{pair.within}}}",
                    "IS_SENT_START": False,
                    "IS_PUNCT": False,  # a pair stays within one clause
                }
                for first, second in ((a, b), (b, a)):
                    pattern = [{"LEMMA": {"IN": first}}, gap, {"LEMMA": {"IN": second}}]
                    rules.append(TargetRule(concept.id + _PAIR, concept.id, pattern=pattern))
        # Overlapping matches are all kept (a span group, not `doc.ents`): "can't catch my
        # breath even sitting still" is breathlessness and breathlessness at rest at once.
        self.matcher = TargetMatcher(
            self.nlp, result_type="group", span_group_name=_GROUP, prune=False
        )
        self.matcher.add(rules)
        self.context = ConText(
            self.nlp,
            rules=None,
            prune_on_target_overlap=True,
            input_span_type="group",
            span_group_name=_GROUP,
        )
        self.context.add(
            [
                ConTextRule(
                    r.literal,
                    r.category,
                    pattern=r.pattern,
                    direction=r.direction,
                    # A terminator reaches one word each side: medspaCy only lets a scope end
                    # at a terminator whose own scope overlaps it (a whole-sentence scope
                    # "contains" instead of overlapping, and never ends anything).
                    max_scope=1 if r.category == "TERMINATE" else r.max_scope,
                    terminated_by={"TERMINATE", *r.terminated_by}
                    | (set() if r.category in _PEOPLE else {"CLAUSE"}),
                )
                for r in vocab.context
            ]
        )
        self.suppress = frozenset(vocab.suppress)
        self.implies = {c.id: tuple(c.implies) for c in vocab.concepts if c.implies}

    def _stem_word(self, word: str) -> str:
        return self.stems(word)

    def _phrase_pattern(self, phrase: str) -> list[dict[str, Any]]:
        pattern: list[dict[str, Any]] = []
        for token in self.nlp.make_doc(tidy(phrase)):
            if token.text == "*":
                pattern.append({"OP": "{0,2}", "IS_SENT_START": False})
            else:
                pattern.append({"LEMMA": self.stems(token.text)})
        return pattern

    def read(self, text: str, sex: str | None) -> tuple[list[Finding], list[Dismissed], Any]:
        doc = self.nlp.make_doc(text)
        for token in doc:
            token.lemma_ = self.stems(token.text)
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            doc = self.matcher(doc)
            _add_temperatures(doc)
            doc = self.context(doc)
        suppress: set[str] = set(self.suppress)
        if sex == "female":
            suppress.add("OTHER_MALE")  # "my husband has a cough": not her
        elif sex == "male":
            suppress.add("OTHER_FEMALE")
        spans = list(doc.spans[_GROUP])
        refused = [
            (s.start, s.end, s.label_[len(_NOT) :]) for s in spans if s.label_.startswith(_NOT)
        ]
        found: dict[str, Finding] = {}
        dismissed: list[Dismissed] = []
        temperatures: list[tuple[Any, bool]] = []
        for ent in spans:
            if ent.label_.startswith(_NOT):
                continue
            if any(a <= ent.start and ent.end <= b and c == ent.label_ for a, b, c in refused):
                continue  # inside a longer wording that does not mean the sign
            categories = {m.category for m in ent._.modifiers}
            rule = ent._.target_rule
            paired = rule is not None and rule.literal.endswith(_PAIR)
            if paired and _negated_inside(ent):
                categories.add("NEGATED_EXISTENCE")
            stopped = sorted(categories & suppress)
            if ent.label_ == _TEMPERATURE:
                temperatures.append((ent, not stopped))
                continue
            if stopped:
                dismissed.append(Dismissed(ent.label_, ent.text, _WHY.get(stopped[0], stopped[0])))
                continue
            possible = "POSSIBLE_EXISTENCE" in categories
            for concept in (ent.label_, *self.implies.get(ent.label_, ())):
                held = found.get(concept)
                if held is None or (held.possible and not possible):
                    found[concept] = Finding(concept, ent.text, possible)
        return list(found.values()), dismissed, temperatures


def _reader(vocab: SymptomVocabularyFile) -> _Reader:
    return once_per(vocab, "symptom_reader", lambda: _Reader(vocab))


# A temperature: a number with a degree sign or C/F, or a number right after a word for
# temperature ("temp 38.4", "fever of 101").
_TEMP = re.compile(
    r"(?:(?:temp(?:erature)?|fever|febrile|thermometer)\D{0,12}?)?"
    r"(?<![\d.])(\d{2,3}(?:[.,]\d{1,2})?)\s*(°\s*[cf]?|º\s*[cf]?|degrees?\s*[cf]?|deg\s*[cf]?|[cf]\b)?",
    re.IGNORECASE,
)
_TEMP_WORD = re.compile(r"temp(?:erature)?|fever|febrile|thermometer", re.IGNORECASE)
_COUNT_WORDS = (
    r"(?:stools?|bowel movements?|bms?|bo|poos?|motions?|times|episodes?|bouts?"
    r"|trips to the (?:loo|toilet))"
)
# "8 loose stools a day", "diarrhoea 8 times today", "10 watery stools in 24 hours"
_STOOLS = re.compile(
    r"(\d{1,2})\s*(?:x\b|times\b|episodes?\b|bouts?\b)?\s*"
    r"(?:(?:of\s+)?(?:loose|watery|runny|liquid)\s+)?"
    r"(?:" + _COUNT_WORDS + r"\b)?\s*"
    r"(?:of\s+diarrh\w*\s*)?(?:\w+\s+){0,2}?"
    r"(?:(?:a|per|each|every|in(?:\s+(?:a|the\s+last))?|/)\s*(?:day|24\s*h\w*)"
    r"|today|since\s+(?:this\s+)?morning|since\s+last\s+night|overnight|so\s+far)",
    re.IGNORECASE,
)
# "BMs x 9 today", "BO x8", "stools x 8"
_STOOLS_TIMES = re.compile(r"\b" + _COUNT_WORDS + r"\s*x\s*(\d{1,2})\b", re.IGNORECASE)
_BOWEL_WORD = re.compile(
    r"diarrh|stool|poo|bowel|loose|watery|runs|motion|\bbms?\b|\bbo\b|squits|loo|toilet",
    re.IGNORECASE,
)
# Words that make a temperature the weather, a room or a bath, not the body.
_AMBIENT = re.compile(
    r"\b(outside|outdoors|weather|sunny|sun|heatwave|heat wave|room|oven|bath|shower|water|house|"
    r"car|thermostat|forecast|degrees out)\b",
    re.IGNORECASE,
)


def _temperature_matches(text: str) -> list[tuple[int, int, float]]:
    """(start, end, °C) of every body temperature the text gives (°F converted:
    (F − 32) × 5/9). A bare number counts only beside a word for temperature or a unit; a
    sentence about the weather, a room or a bath gives none."""
    out = []
    for match in _TEMP.finditer(text[:MAX_NOTE_CHARS]):
        number = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or "").lower().replace(" ", "")
        worded = _TEMP_WORD.match(match.group(0)) is not None
        if not unit and not worded:
            continue
        if unit.endswith("f") or (not unit.endswith("c") and 93 <= number <= 110):
            celsius = (number - 32) * 5 / 9
        else:
            celsius = number
        if not 34.0 <= celsius <= 43.5:  # not a body temperature: some other number
            continue
        start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        stops = [i for i in (text.find(".", match.end()), text.find("\n", match.end())) if i >= 0]
        if _AMBIENT.search(text[start : min(stops) if stops else len(text)]):
            continue
        out.append((match.start(), match.end(), round(celsius, 1)))
    return out


def read_temperature(text: str) -> tuple[float, str] | None:
    """The highest body temperature the text gives, in °C, with the words that gave it (no
    negation or context here: `read_note` applies ConText to each)."""
    found = _temperature_matches(text)
    if not found:
        return None
    start, end, celsius = max(found, key=lambda m: m[2])
    return celsius, text[start:end].strip()


def _add_temperatures(doc: Any) -> None:
    """Each temperature in the text as a target span, so ConText judges it like any sign
    ("ring if temp goes above 38" is advice; "my husband had 38.5" is someone else)."""
    group = doc.spans[_GROUP]
    for start, end, _ in _temperature_matches(doc.text):
        span = doc.char_span(start, end, label=_TEMPERATURE, alignment_mode="expand")
        if span is not None:
            group.append(span)


def read_stools_per_day(text: str) -> int | None:
    """Stools a day, when a sentence about the bowels gives a count ("8 watery stools a day",
    "diarrhoea 6 times a day")."""
    most: int | None = None
    for sentence in re.split(r"[.!?\n]", text[:MAX_NOTE_CHARS]):
        if not _BOWEL_WORD.search(sentence):
            continue
        counts = [int(m.group(1)) for m in _STOOLS.finditer(sentence)]
        counts += [int(m.group(1)) for m in _STOOLS_TIMES.finditer(sentence)]
        for count in counts:
            most = count if most is None else max(most, count)
    return most


def _read(text: str, vocab: SymptomVocabularyFile, sex: str | None) -> NoteReading:
    tidied = tidy(text)
    findings, dismissed, temperatures = _reader(vocab).read(tidied, sex)
    best: tuple[float, str] | None = None
    for span, affirmed in temperatures:
        value = read_temperature(span.text)
        if affirmed and value is not None and (best is None or value[0] > best[0]):
            best = (value[0], span.text.strip())
    return NoteReading(
        findings=tuple(findings),
        dismissed=tuple(dismissed),
        temperature_c=best[0] if best else None,
        temperature_words=best[1] if best else None,
        stools_per_day=read_stools_per_day(tidied),
    )


def note_memo(vocab: SymptomVocabularyFile) -> dict[tuple[str, str | None], NoteReading]:
    """The readings made with `vocab` in this process, keyed by (text, sex): `read_note`'s
    memo. The CLI fills it with readings kept on disk (`store.note_readings`) before the
    engines run, so a note read once is not read again in the next process."""
    memo: dict[tuple[str, str | None], NoteReading] = once_per(vocab, "note_readings", dict)
    return memo


def read_note(text: str, vocab: SymptomVocabularyFile, sex: str | None = None) -> NoteReading:
    """Everything a note says about the red-flag signs. `sex` is the person's: a note about
    "my husband" is not about a woman with the cancer, one about "Mum" may well be (a
    caregiver writing). Cached per text: the web app reads the same notes on every page."""
    cache = note_memo(vocab)
    key = (text, sex)
    reading = cache.get(key)
    if reading is None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        reading = cache[key] = _read(text, vocab, sex)
    return reading
