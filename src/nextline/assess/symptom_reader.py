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
_NOT = "not:"
_INNER_NEGATION = frozenset({"no", "not", "n't", "never", "nor", "without"})


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
        self.matcher = TargetMatcher(self.nlp)
        self.matcher.add(rules)
        self.context = ConText(self.nlp, rules=None, prune_on_target_overlap=True)
        self.context.add(
            [
                ConTextRule(
                    r.literal,
                    r.category,
                    pattern=r.pattern,
                    direction=r.direction,
                    max_scope=r.max_scope,
                    terminated_by={"TERMINATE", *r.terminated_by},
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

    def read(self, text: str) -> tuple[list[Finding], list[Dismissed]]:
        doc = self.nlp.make_doc(tidy(text))
        for token in doc:
            token.lemma_ = self.stems(token.text)
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            doc = self.matcher(doc)
            doc = self.context(doc)
        found: dict[str, Finding] = {}
        dismissed: list[Dismissed] = []
        for ent in doc.ents:
            if ent.label_.startswith(_NOT):
                continue  # a longer wording that does not mean the sign
            categories = {m.category for m in ent._.modifiers}
            rule = ent._.target_rule
            paired = rule is not None and rule.literal.endswith(_PAIR)
            if paired and _negated_inside(ent):
                categories.add("NEGATED_EXISTENCE")
            stopped = sorted(categories & self.suppress)
            if stopped:
                dismissed.append(Dismissed(ent.label_, ent.text, _WHY.get(stopped[0], stopped[0])))
                continue
            possible = "POSSIBLE_EXISTENCE" in categories
            for concept in (ent.label_, *self.implies.get(ent.label_, ())):
                held = found.get(concept)
                if held is None or (held.possible and not possible):
                    found[concept] = Finding(concept, ent.text, possible)
        return list(found.values()), dismissed


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
_STOOLS = re.compile(
    r"(\d{1,2})\s*(?:x\b|times\b|episodes?\b|bouts?\b)?\s*"
    r"(?:(?:of\s+)?(?:loose|watery|runny|liquid)\s+)?"
    r"(?:stools?\b|bowel movements?\b|bms?\b|poos?\b|motions?\b|times\b|episodes?\b)?\s*"
    r"(?:of\s+diarrh\w*\s*)?"
    r"(?:a|per|each|every|in(?:\s+(?:a|the\s+last))?|/)\s*(?:day|24\s*h\w*)",
    re.IGNORECASE,
)
_BOWEL_WORD = re.compile(r"diarrh|stool|poo|bowel|loose|watery|runs|motion", re.IGNORECASE)


def read_temperature(text: str) -> tuple[float, str] | None:
    """The highest temperature the note gives, in °C (°F converted: (F − 32) × 5/9), with the
    words that gave it. A bare number counts only beside a word for temperature or a unit."""
    best: tuple[float, str] | None = None
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
        if best is None or celsius > best[0]:
            best = (round(celsius, 1), match.group(0).strip())
    return best


def read_stools_per_day(text: str) -> int | None:
    """Stools a day, when a sentence about the bowels gives a count ("8 watery stools a day",
    "diarrhoea 6 times a day")."""
    most: int | None = None
    for sentence in re.split(r"[.!?\n]", text[:MAX_NOTE_CHARS]):
        if not _BOWEL_WORD.search(sentence):
            continue
        for match in _STOOLS.finditer(sentence):
            count = int(match.group(1))
            most = count if most is None else max(most, count)
    return most


def _read(text: str, vocab: SymptomVocabularyFile) -> NoteReading:
    findings, dismissed = _reader(vocab).read(text)
    temperature = read_temperature(text)
    return NoteReading(
        findings=tuple(findings),
        dismissed=tuple(dismissed),
        temperature_c=temperature[0] if temperature else None,
        temperature_words=temperature[1] if temperature else None,
        stools_per_day=read_stools_per_day(text),
    )


def read_note(text: str, vocab: SymptomVocabularyFile) -> NoteReading:
    """Everything a note says about the red-flag signs (cached per text: the web app reads
    the same notes again on every page)."""
    cache: dict[str, NoteReading] = once_per(vocab, "note_readings", dict)
    reading = cache.get(text)
    if reading is None:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        reading = cache[text] = _read(text, vocab)
    return reading
