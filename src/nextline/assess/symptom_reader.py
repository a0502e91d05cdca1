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
Numbers are read beside the words: a temperature (°C or °F, converted), stools a day and an
oxygen saturation.

spaCy, medspaCy and the stemmer are imported on first use only, so commands that never read a
note do not pay for them.
"""

from __future__ import annotations

import bisect
import itertools
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nextline.assess._cache import once_per
from nextline.knowledge.symptom_schema import SymptomVocabularyFile
from nextline.record.units import fahrenheit_to_celsius

# Reading stops here: a note is a few lines; a pasted document is read in its first part,
# which keeps the tokenizer's time bounded whatever is pasted.
MAX_NOTE_CHARS = 20_000
# A long note is read in pieces of at least this many tokens (`_Reader._pieces`).
PIECE_TOKENS = 60
# A sentence that runs on past this many tokens without a full stop or a line break is cut
# at its next punctuation mark (or, with none, at twice this many): `_run_on_cuts`.
LONG_SENTENCE = 120
# ... and where every word may begin a trigger ("no no no ..."), past this many, where no
# trigger is parted from a sign it reaches (`_safe_cuts`): a little past twice
# `LONG_SENTENCE`, so that the cut above, cheaper to find, is made first where it can be.
SAFE_CUT_AFTER = 2 * LONG_SENTENCE + 30

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
# the run-on cuts made where no trigger is parted from a sign it reaches (`_safe_cuts`)
_SAFE_CUTS = "nextline_safe_cuts"
# a trigger with no `max_scope` reaches its whole sentence: farther than any sentence runs
_WHOLE = 1_000_000
_NEGATED = "NEGATED_EXISTENCE"
# Words between a negation and a sign that may mean the sign is said apart from it, and the
# words that make a list one negation is said of (`_said_of_another`).
_LIST_BREAKS = frozenset({",", "and", "&", "+", "plus", "also"})
_LIST_OR = frozenset({"or", "nor"})
# Negations a nurse or a checklist says of a whole list, commas and all ("pt denies CP, SOB,
# fever", "negative for fever, rigors"): never "said of another".
_LIST_NEGATIONS = frozenset(
    {"denies", "denied", "deny", "negative for", "free of", "no sign of", "no signs of"}
)
# words just before an explaining food or medicine that deny it (`_Reader._explained`)
_EXPLAIN_DENIED = frozenset({"no", "not", "n't", "never", "without", "nor", "stopped"})
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
    spo2_percent: int | None = None

    def has(self, concept: str) -> Finding | None:
        return next((f for f in self.findings if f.concept == concept), None)


_WHY = {
    "NEGATED_EXISTENCE": "said not to be there",
    "HISTORICAL": "in the past",
    "HYPOTHETICAL": "a worry or advice, not something that happened",
    "FAMILY": "about someone else",
    "OTHER_MALE": "about someone else",
    "OTHER_FEMALE": "about someone else",
    "EXPLAINED": "explained by a food or medicine named beside it",
}


def _said_of_another(modifier: Any, span: Any) -> bool:
    """Whether a negation reaches a sign only over a comma or an "and": "not eating, vomiting
    blood" and "no fever and vomiting blood" say the vomiting is there, as people write.
    Such a sign is kept as possible (asked about), never dropped: a safety net asks rather
    than stays silent. A list joined by "or" or "nor" is one negation said of each sign
    ("no fever, chills or cough", "denies fever or rigors"), as ConText reads it."""
    doc = span.doc
    start, end = modifier.modifier_span
    if end <= span.start:
        between = doc[end : span.start]
    elif span.end <= start:
        between = doc[span.end : start]
    else:
        return False
    if not any(token.lower_ in _LIST_BREAKS for token in between):
        return False
    if modifier.rule.literal.lower() in _LIST_NEGATIONS:
        return False  # "denies chest pain, breathless, fever": a list denied as one
    sentence = doc[start].sent
    first = min(start, span.start)
    return not any(token.lower_ in _LIST_OR for token in doc[first : sentence.end])


def _the_person_word(matcher: Any, doc: Any, i: int, matches: list[Any]) -> None:
    """A person-trigger ("my husband had", "neighbour can") whose later word begins a sign
    keeps only its first word. The word after the person is there to tell "husband had" from
    "husband says", and may be the first word of the sign ("had a fit", "can't walk",
    "fainted"); ConText drops a trigger that overlaps a sign, so "my husband had a fit"
    counted as the writer's fit. The person word alone overlaps no sign and reaches it."""
    key, start, end = matches[i][:3]
    if end - start > 1 and any(start < span.start < end for span in doc.spans.get(_GROUP, ())):
        matches[i] = (key, start, start + 1, *matches[i][3:])


def _within_its_clause(target: Any, modifier: Any, _between: Any) -> bool:
    """Whether a worry or a general statement reaching back ("confusion can be a sign of
    high calcium", "face drooping is listed in the leaflet") reaches the sign without
    crossing a comma: "mum had a fit, could mean the cancer has spread" tells of her fit."""
    if target.end > modifier.start:
        return True  # the sign comes after: the reach forward is not changed
    return not any(token.text == "," for token in target.doc[target.end : modifier.start])


def _negated_inside(span: Any) -> bool:
    """Whether a negation word inside a matched word pair turns it around: "legs don't feel
    numb" (the negation within three words before the pair's last word), not "legs feel like
    they don't belong to me and they're numb"."""
    inner = list(span[1:-1])
    return any(t.lower_ in _INNER_NEGATION for t in inner[-3:])


# A run of this many characters without a space is no word a person writes (a pasted link,
# a line of brackets); the tokenizer strips its leading and trailing marks one at a time,
# each time searching the rest again, so such a run costs the square of its length
# (20,000 "(" took 40 s). A space is put after each mark inside it instead. Marks in a row
# inside such a run keep one of each kind, in order ("((((;;" -> "(;"): a row of the same
# mark says no more than one does, and each mark left is a word of its own to the context
# rules, which weigh every such word against every other in a sentence (20,000 brackets
# spaced one by one took 2-3 s).
_LONG_RUN = re.compile(r"\S{100,}")
_MARK = re.compile(r"([^\w\s])")
_MARKS_IN_A_ROW = re.compile(r"[^\w\s]{2,}")


def _one_of_each(marks: re.Match[str]) -> str:
    return "".join(dict.fromkeys(marks.group(0)))


def _spaced(run: re.Match[str]) -> str:
    return _MARK.sub(r"\1 ", _MARKS_IN_A_ROW.sub(_one_of_each, run.group(0)))


# Marks the tokenizer leaves on a word's edge ("weak-", "-fever", "fit~", "numb|"), where
# the word then matches no wording: a list typed with a dash for a bullet, a note that trails
# off with a dash or a tilde. Each is set apart from the letters it touches, at a word's
# start or end ("and/or", "weak-numb", "8/10" and "-2" stay as written; "|", "+", "^" and a
# backslash between two words are set apart too, as the tokenizer sets "/" and "-"). A dash
# or a slash set apart then ends a negation's reach, as a spaced one always did.
_GLUED_AFTER = re.compile(r"(?<=[^\W\d_])([-/~=+^\\|%@]+)(?!\S)")
_GLUED_BEFORE = re.compile(r"(?<!\S)([-/~=^\\|%@]+)(?=[^\W\d_])")
# between two words the tokenizer splits "/", "-", "~" and "=" itself, but not these
_GLUED_BETWEEN = re.compile(r"(?<=[^\W\d_])([|+^\\]+)(?=[^\W\d_])")
# A full stop, semicolon or colon typed with no space before the next word ("no fever.had a
# fit", "fever;39.4", "pain:started"): a space after it. A full stop needs two letters each
# side, so "e.g.", "a.m." and "38.5" stay as written; a colon between two numbers is a time.
_GLUED_STOP = re.compile(
    r"(?<=[^\W\d_]{2})(\.+)(?=[^\W\d_]{2})"
    r"|(?<=[^\W\d_])([;:]+)(?=\w)|(?<=\d)([;:]+)(?=[^\W\d_])"
)
# A bracket against a word ("fit(2x)", "(no)had"): a space on its outer side.
_GLUED_OPENING = re.compile(r"(?<=\w)([(\[{])(?=\w)")
_GLUED_CLOSING = re.compile(r"(?<=\w)([)\]}])(?=\w)")


def _set_apart(text: str) -> str:
    """Marks on a word's edge set apart (see `_GLUED_AFTER` and the patterns below it)."""
    text = _GLUED_BETWEEN.sub(r" \1 ", text)
    text = _GLUED_STOP.sub(lambda m: m.group(0) + " ", text)
    text = _GLUED_OPENING.sub(r" \1", _GLUED_CLOSING.sub(r"\1 ", text))
    return _GLUED_BEFORE.sub(r"\1 ", _GLUED_AFTER.sub(r" \1", text))


def tidy(text: str) -> str:
    """The note with apostrophes unified, quotation marks taken off, a nurse's shorthand
    and phone spellings written out, numbers written in words as figures, contractions
    spelt the way the tokenizer splits them ("dont" → "don't", "cannot" → "can not") and
    marks on a word's edge set apart."""
    text = _LONG_RUN.sub(_spaced, text[:MAX_NOTE_CHARS].translate(_APOSTROPHES))
    text = _QUOTES.sub(" ", text)
    text = _shorthand(text)
    return _spelt(_set_apart(_figures(text)))


# Quotation marks around words ("legs 'feel like jelly'", "she said “I can't walk”"): not
# a break between clauses, yet a mark, which a word pair may not reach over. An apostrophe
# inside a word ("can't", "mum's") stays.
_QUOTES = re.compile(r"[\"“”„«»]|(?<!\w)'|'(?!\w)")

# A nurse's or a letter's shorthand, as written in capitals (a capital word is no everyday
# word; "I had a good sob" is crying, "pt c/o SOB" is breathlessness): each as the plain
# word the vocabulary holds, one word where one will do, so a list of them ("denies SOB,
# CP, fever") stays within the reach of its negation. Not in a note written all in
# capitals, where every word is in capitals.
_SHORTHAND = {
    "SOB": "breathless",
    "SOBOE": "breathless on exertion",
    "DIB": "breathless",
    "LOC": "blackout",
    "BLE": "legs",
    "BLLs": "legs",
    "LLE": "left leg",
    "RLE": "right leg",
    # bowels not opened: no stool at all (`no_wind_or_stool`), more than "constipated"
    "BNO": "obstipation",
}
_SHORTHAND_WORD = re.compile(r"(?<![\w/])(" + "|".join(_SHORTHAND) + r")(?![\w/])")
# "CP" is chest pain only where a nurse would write it so ("c/o CP", "denies CP", "CP
# radiating to L arm"): alone it is as often a care plan.
_CHEST_PAIN = re.compile(
    r"(?<![\w/])((?i:c/o|complains of|has|denies|denied|no|nil|reports|reported|new|central"
    r"|pleuritic|with|and|\+|,)\s*)CP(?![\w/])"
    r"|(?<![\w/])CP(?=\s+(?i:radiating|on exertion|at rest|worse|since|x\s*\d|\d+/7))"
)
# "c/o" (complains of) and phone spellings, in any case: "cnt" and "cant" are "can't",
# "nt" is "not", "dnt" is "don't", "havnt" is "haven't".
_PHONE = (
    (re.compile(r"(?<![\w/])c/o(?![\w/])", re.IGNORECASE), "has"),
    (re.compile(r"\bcnt\b", re.IGNORECASE), "can not"),
    (re.compile(r"\bnt\b", re.IGNORECASE), "not"),
    (re.compile(r"\bdnt\b", re.IGNORECASE), "don't"),
    (re.compile(r"\bhavnt\b", re.IGNORECASE), "haven't"),
)


def _shorthand(text: str) -> str:
    """A nurse's shorthand and phone spellings written out (`_SHORTHAND`, `_PHONE`)."""
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) <= 0.6 * len(letters):
        text = _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(1)], text)
        text = _CHEST_PAIN.sub(lambda m: (m.group(1) or "") + "chest pain", text)
    for pattern, plain in _PHONE:
        text = pattern.sub(plain, text)
    return text


# Numbers written in words, as figures: a temperature ("thirty nine degrees", "thirty-eight
# point five", "temp one oh one", "a hundred and one"), a count of stools ("ten loose
# stools") or a score ("eight out of ten"). A word from one to twenty alone stays a word
# ("one side of my face", "no one") unless a count or "out of ten" follows it.
_UNITS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2
    )
}
_DIGIT = r"(one|two|three|four|five|six|seven|eight|nine)"
_HUNDRED = re.compile(
    r"\b(?:a|one)\s+hundred(?:\s+and)?(?:\s+" + _DIGIT + r"\b)?"
    r"|\bone\s+(?:oh|o|zero)\s+" + _DIGIT + r"\b",
    re.IGNORECASE,
)
_TENS_WORDS = re.compile(r"\b(" + "|".join(_TENS) + r")(?:[\s-]+" + _DIGIT + r")?\b", re.IGNORECASE)
_COUNTED = (
    r"(?=\s+(?:loose|watery|runny|liquid|times|stools?|poos?|bowel|motions?|episodes?|bouts?"
    r"|trips|x\b|out\s+of\s+(?:ten|10)\b))"
)
_SMALL_COUNTED = re.compile(r"\b(" + "|".join(_UNITS) + r")\b" + _COUNTED, re.IGNORECASE)
_OUT_OF_TEN = re.compile(r"\bout\s+of\s+ten\b", re.IGNORECASE)
_POINT = re.compile(r"\b(\d{2,3})\s+point\s+(\d|" + _DIGIT[1:-1] + r"|zero)\b", re.IGNORECASE)
_AND_A_HALF = re.compile(r"\b(\d{2,3})\s+and\s+a\s+half\b", re.IGNORECASE)


def _word_number(word: str) -> int:
    return _UNITS[word.lower()]


def _figures(text: str) -> str:
    """Numbers written in words as figures (see `_UNITS`)."""
    text = _HUNDRED.sub(
        lambda m: str(100 + (_word_number(m.group(1) or m.group(2) or "zero"))), text
    )
    text = _TENS_WORDS.sub(
        lambda m: str(_TENS[m.group(1).lower()] + (_word_number(m.group(2)) if m.group(2) else 0)),
        text,
    )
    text = _SMALL_COUNTED.sub(lambda m: str(_word_number(m.group(1))), text)
    text = _OUT_OF_TEN.sub("out of 10", text)
    text = _POINT.sub(
        lambda m: (
            f"{m.group(1)}.{m.group(2) if m.group(2).isdigit() else _word_number(m.group(2))}"
        ),
        text,
    )
    return _AND_A_HALF.sub(r"\1.5", text)


def _tidy_words(text: str) -> str:
    """`tidy` without setting marks apart: for the vocabulary's wordings, whose "|" joins
    the words a pattern token may be ("leg|legs")."""
    return _spelt(_LONG_RUN.sub(_spaced, text[:MAX_NOTE_CHARS].translate(_APOSTROPHES)))


def _spelt(text: str) -> str:
    """Contractions spelt the way the tokenizer splits them."""
    text = _CONTRACTIONS.sub(lambda m: m.group(1) + "n't", text)
    text = _CANNOT.sub("can not", text)
    return _WONT.sub("won't", text)


class _Stems:
    """Lemma-like forms: the vocabulary's irregular table first, then Snowball."""

    def __init__(self, irregular: dict[str, str]) -> None:
        from nltk.stem.snowball import EnglishStemmer

        self._stemmer = EnglishStemmer()
        # Each irregular form leads to the stem of its word, the form that word takes when
        # typed: "tummy" → "belly" → "belli", where "belly" itself goes ("tummy ache" meets
        # "belly ache"; "tingling" meets "tingles").
        # A form that leads to itself is kept apart from its stem ("confusing: confusing":
        # a confusing form is not a confused person).
        self._irregular = {
            k.lower(): v.lower() if k.lower() == v.lower() else str(self._stemmer.stem(v.lower()))
            for k, v in irregular.items()
        }

        self._known: dict[str, str] = {}
        # the stems and words the vocabulary's wordings are made of, once they are all built
        # (`keep`)
        self._wanted: set[str] = set()
        self._words: set[str] = set()
        self.wanted: frozenset[str] = frozenset()
        self._spelling: _Spelling | None = None

    def __call__(self, word: str) -> str:
        word = word.lower()
        known = self._known.get(word)
        if known is None:
            if not self.wanted:  # the vocabulary's own words, as its wordings are built
                known = self._stem(word)
                self._wanted.add(known)
                self._words.add(word)
            elif _HELD_DOWN.search(word):
                known = self._held_down(word)
            else:
                known = self._stem(word)
                if known not in self.wanted and self._spelling is not None:
                    meant = self._spelling.meant(word)
                    known = known if meant is None else self._stem(meant)
            if len(self._known) < 100_000:
                self._known[word] = known
        return known

    def keep(self) -> None:
        """The wordings are built: the stems seen so far are the vocabulary's, and a word
        misspelt near one of its words is read as that word (`_Spelling`)."""
        self.wanted = frozenset(self._wanted)
        self._spelling = _Spelling(self._words, self._stem)

    def _stem(self, word: str) -> str:
        if word in self._irregular:
            return self._irregular[word]
        stem: str = self._stemmer.stem(word)
        return self._irregular.get(stem, stem)

    def _held_down(self, word: str) -> str:
        """A word with a letter held down ("numbbb", "bloood", "confuseddd") as the word it
        stands for: each such letter twice, else once, whichever is a word of the vocabulary
        (no English word has a letter three times in a row); else once."""
        twice = self._stem(_HELD_DOWN.sub(r"\1\1", word))
        if twice in self.wanted:
            return twice
        return self._stem(_HELD_DOWN.sub(r"\1", word))


# A letter three or more times in a row: held down for feeling, as in "painnn".
_HELD_DOWN = re.compile(r"([^\W\d_])\1{2,}")

# An English word at least this often in pyspellchecker's English word counts (a share of all
# words counted) is a word, never a misspelling: "rota" and "beetroot" are above it; rare
# forms that are mostly misspellings ("seizer") are below.
ENGLISH_WORD_SHARE = 1e-7


class _Spelling:
    """A misspelt word of the vocabulary, read as the word it is near.

    Why: a note typed in a hurry misspells the very words that matter ("siezure",
    "confussed", "vommiting"), and a sign misspelt was a sign missed. A word is read as a
    vocabulary word when it is no English word (`ENGLISH_WORD_SHARE`), has only letters, and
    is one edit away (a letter left out, added, changed, or two side by side swapped) from
    vocabulary words that all have one stem; a word of eight letters or more may be two
    edits away. Four-letter words only by a swap ("pian"), and shorter ones never: short
    words are too near each other. Real words are never changed ("never" is not "fever")."""

    def __init__(self, words: set[str], stem: Callable[[str], str]) -> None:
        from spellchecker import SpellChecker

        self._stem = stem
        self._vocabulary = SpellChecker(language=None, distance=1)
        self._vocabulary.word_frequency.load_words(
            [w for w in words if len(w) >= 4 and w.isalpha()]
        )
        self._english: frozenset[str] | None = None

    def _is_english(self, word: str) -> bool:
        if self._english is None:  # read once, when a note first holds a word not in it
            from spellchecker import SpellChecker

            counts = SpellChecker(language="en").word_frequency
            least = counts.total_words * ENGLISH_WORD_SHARE
            self._english = frozenset(w for w, n in counts.dictionary.items() if n >= least)
        return word in self._english

    def meant(self, word: str) -> str | None:
        """The vocabulary word `word` is a misspelling of, or None."""
        if len(word) < 4 or not word.isalpha() or word in self._vocabulary:
            return None
        if self._is_english(word):
            return None
        near = self._vocabulary.known(self._vocabulary.edit_distance_1(word))
        if len(word) == 4:
            near = {w for w in near if sorted(w) == sorted(word)}  # a swap only
        elif not near and len(word) >= 8:
            near = self._vocabulary.known(self._vocabulary.edit_distance_2(word))
        if not near:
            return None
        return min(near) if len({self._stem(w) for w in near}) == 1 else None


class _Reader:
    """The spaCy pipeline for one vocabulary, built once."""

    def __init__(self, vocab: SymptomVocabularyFile) -> None:
        import spacy
        from medspacy.context import ConText, ConTextRule
        from medspacy.ner import TargetMatcher, TargetRule
        from spacy.matcher import Matcher

        self.vocab = vocab
        self.stems = _Stems(vocab.irregular)
        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        rules = []
        # The written wordings alone, to tell a wording from a word pair over the same words:
        # the target matcher keeps one rule for both (`_a_wording_says`).
        self.wordings = Matcher(self.nlp.vocab)
        for concept in vocab.concepts:
            for phrase in concept.phrases:
                rules.append(TargetRule(phrase, concept.id, pattern=self._phrase_pattern(phrase)))
                self.wordings.add(concept.id, [self._phrase_pattern(phrase)])
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
        self.stems.keep()  # every wording's stems are in: a held-down letter is read by them
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
                    on_match=_the_person_word if r.category in _PEOPLE else None,
                    excluded_types=set(r.not_for) or None,
                    on_modifies=_within_its_clause
                    if r.category == "HYPOTHETICAL" and r.direction != "FORWARD"
                    else None,
                )
                for r in vocab.context
            ]
        )
        self.suppress = frozenset(vocab.suppress)
        self.implies = {c.id: tuple(c.implies) for c in vocab.concepts if c.implies}
        self.explained_by = {
            c.id: frozenset(self.stems(w) for w in c.explained_by)
            for c in vocab.concepts
            if c.explained_by
        }
        # each ConText trigger as the words it matches (`may_cut_after`)
        self._triggers: list[list[dict[str, Any]]] = [
            r.pattern or [{"LOWER": t.lower_} for t in self.nlp.make_doc(r.literal)]
            for r in vocab.context
        ]
        self._cut_after: dict[str, bool] = {}
        # the same triggers, to find where each one is in a run-on sentence (`_safe_cuts`):
        # key i is rule i, with how far it reaches back and forward
        self.trigger_matcher = Matcher(self.nlp.vocab)
        self._reach: list[tuple[int, int]] = []
        for i, (rule, tokens) in enumerate(zip(vocab.context, self._triggers, strict=True)):
            self.trigger_matcher.add(str(i), [tokens])
            scope = 1 if rule.category == "TERMINATE" else (rule.max_scope or _WHOLE)
            back = scope if rule.direction in ("BACKWARD", "BIDIRECTIONAL") else 0
            forward = scope if rule.direction in ("FORWARD", "BIDIRECTIONAL") else 0
            self._reach.append((back, forward))

    def may_cut_after(self, text: str) -> bool:
        """Whether a text may be cut into pieces after a token `text`: no ConText trigger
        matches that token followed by more words, so none can run over the cut. Cautious:
        a pattern token is taken to match unless it says otherwise (`_may_match`)."""
        known = self._cut_after.get(text)
        if known is None:
            known = not any(
                _may_match(token, text)
                for tokens in self._triggers
                for token in tokens[: None if _repeats(tokens[-1]) else -1]
            )
            if len(self._cut_after) < 10_000:
                self._cut_after[text] = known
        return known

    def _stem_word(self, word: str) -> str:
        return self.stems(word)

    def _phrase_pattern(self, phrase: str) -> list[dict[str, Any]]:
        """A written wording as a token pattern: "*" is up to two words of any kind, and
        "a|b" either word ("morphine|oxycodone * not helping": one pattern, not one for
        each medicine; the matcher's time grows with the number of patterns). A wording is
        tidied as a note is, so it stays under 100 characters without a space (`_LONG_RUN`)."""
        pattern: list[dict[str, Any]] = []
        for token in self.nlp.make_doc(_tidy_words(phrase)):
            if token.text == "*":
                pattern.append({"OP": "{0,2}", "IS_SENT_START": False})
            elif "|" in token.text.strip("|"):
                words = sorted({self.stems(w) for w in token.text.split("|") if w})
                pattern.append({"LEMMA": {"IN": words}})
            else:
                pattern.append({"LEMMA": self.stems(token.text)})
        return pattern

    def read(
        self, text: str, sex: str | None, whole: bool = False
    ) -> tuple[list[Finding], list[Dismissed], Any]:
        """The signs the text affirms, those it mentions without affirming, and its
        temperatures (each with whether it counts). A long text is read in pieces of whole
        sentences (`_pieces`): the same reading, in time that grows with the text's length;
        `whole` reads it in one (the tests compare the two)."""
        suppress: set[str] = set(self.suppress)
        if sex == "female":
            suppress.add("OTHER_MALE")  # "my husband has a cough": not her
        elif sex == "male":
            suppress.add("OTHER_FEMALE")
        found: dict[str, Finding] = {}
        dismissed: list[Dismissed] = []
        temperatures: list[tuple[Any, bool]] = []
        doc = self._signs(self._sentences(text))
        pieces = None if whole or len(doc) <= PIECE_TOKENS else self._pieces(doc)
        if pieces is None:
            self._read_doc(doc, suppress, found, dismissed, temperatures)
        else:
            for piece in pieces:
                self._read_doc(self._signs(piece), suppress, found, dismissed, temperatures)
        return list(found.values()), dismissed, temperatures

    def _tokens(self, text: str) -> Any:
        """The text's tokens, each with its lemma-like form."""
        doc = self.nlp.make_doc(text)
        for token in doc:
            token.lemma_ = self.stems(token.text)
        return doc

    def _sentences(self, text: str) -> Any:
        """The text's tokens split into sentences: at full stops (the sentencizer), at line
        breaks, and in a sentence that runs on past `LONG_SENTENCE` tokens, at its next
        punctuation mark (`_run_on_cuts`)."""
        doc = self._tokens(text)
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        # A line break ends a sentence: in a list of signs, one to a line, "No fever" must not
        # reach the next line's "I had a fit" (the sentencizer splits at full stops only).
        for token in doc[:-1]:
            if token.is_space and "\n" in token.text:
                doc[token.i + 1].is_sent_start = True
        for start in self._run_on_cuts(doc):
            doc[start].is_sent_start = True
        return doc

    def _run_on_cuts(self, doc: Any) -> list[int]:
        """Where a sentence that runs on is cut: past `LONG_SENTENCE` tokens, after its next
        punctuation mark that no trigger runs over (`may_cut_after`), or past twice that
        many tokens with none, after the next token no trigger runs over; past
        `SAFE_CUT_AFTER` where every word may begin a trigger ("no no no ...", "fine fine
        ..."), at the next place where no trigger is cut from a sign it reaches
        (`_safe_cuts`). (The first two may part a trigger from a sign it reaches: "my
        sister had | a seizure" in a sentence of 260 words; a note that runs on that far
        is a pasted document, and the parting only ever makes a sign count.)

        Why: ConText's time grows with the square of the triggers it is given (20,000
        characters of "no fever, no pain, " took 6 s; of "no no no", 13 s), and no trigger
        reaches that far: the longest reach in the vocabulary is 30 words (`max_scope`), and
        a note that runs on for a hundred words without a full stop or a line break has moved
        on to other things. A run-on sentence that long is a pasted document. The cuts made
        at a safe place are kept in `doc.user_data` for `_pieces`."""
        cuts = []
        safe_cuts: set[int] = set()
        safe: bytearray | None = None
        length = 0
        for token in doc[:-1]:
            length = 1 if token.is_sent_start else length + 1
            if length <= LONG_SENTENCE:
                continue
            if (token.is_punct or length >= 2 * LONG_SENTENCE) and self.may_cut_after(token.text):
                cuts.append(token.i + 1)
                length = 0
            elif length >= SAFE_CUT_AFTER:
                if safe is None:
                    safe = self._safe_cuts(doc)
                if safe[token.i + 1]:
                    cuts.append(token.i + 1)
                    safe_cuts.add(token.i + 1)
                    length = 0
        doc.user_data[_SAFE_CUTS] = frozenset(safe_cuts)
        return cuts

    def _safe_cuts(self, doc: Any) -> bytearray:
        """For each token index p, 1 when a cut before token p splits no sign, no
        temperature and no ConText trigger, and parts no trigger from a sign or temperature
        within its reach (`max_scope` back or forward, from anywhere in the trigger: the
        reach of a trigger shortened by `_the_person_word` is within it). Such a cut changes
        no sign's modifiers: a trigger's scope is only ever shortened by another trigger, and
        shortened only where it reaches no sign across the cut. Cautious: a cut is allowed
        only where this holds for every trigger the words match.

        Why: a run-on sentence of words that may each begin a trigger ("no no no ...") has
        no place `may_cut_after` allows, and ConText weighed all its triggers against each
        other (20,000 characters of "no no no" took 13 s of CPU)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            self.matcher(doc)
        _add_temperatures(doc)
        signs = sorted((span.start, span.end) for span in doc.spans[_GROUP])
        del doc.spans[_GROUP]  # found again, in the cut sentences, by `_signs`
        safe = bytearray(b"\x01") * (len(doc) + 1)
        safe[0] = safe[len(doc)] = 0

        def block(first: int, last: int) -> None:  # no cut before tokens first..last
            for p in range(max(first, 1), min(last, len(doc)) + 1):
                safe[p] = 0

        starts = [start for start, _ in signs]
        ends = sorted(end for _, end in signs)
        for start, end in signs:
            block(start + 1, end - 1)
        for key, start, end in self.trigger_matcher(doc):
            back, forward = self._reach[int(self.nlp.vocab.strings[key])]
            block(start + 1, end - 1)
            if forward:  # the farthest sign starting within reach after the trigger's start
                i = bisect.bisect_left(starts, end + forward) - 1
                if i >= 0 and starts[i] > start:
                    block(start + 1, starts[i])
            if back:  # the nearest sign ending within reach before the trigger's end
                i = bisect.bisect_right(ends, start - back)
                if i < len(ends) and ends[i] < end:
                    block(ends[i], end - 1)
        return safe

    def _signs(self, doc: Any) -> Any:
        """The doc with the signs and temperatures it names in its span group."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            doc = self.matcher(doc)
        _add_temperatures(doc)
        return doc

    def _pieces(self, doc: Any) -> list[Any] | None:
        """The doc (its signs found) as pieces of whole sentences, each to be read alone, or
        None to read it whole.

        Why: medspaCy's ConText weighs every sign against every trigger word of the whole
        text, and every trigger against every other, so a pasted page took seconds (a 20,000
        character note of short sentences, 11 s). A trigger only ever reaches within its own
        sentence, so reading a run of sentences alone gives the same reading, provided no
        match is cut in two. A cut is made only:
        - at the start of a sentence, once a piece holds `PIECE_TOKENS` tokens, after a
          space, a line break or a mark that leaves numbers whole (`_apart`);
        - where no sign and no temperature runs across it (found on the whole text first),
          nor a word for temperature and its number, counted or not;
        - where no ConText trigger can run across it (`may_cut_after`), or at a cut made in
          a run-on sentence where no trigger is parted from a sign it reaches (`_safe_cuts`);
        - (the words around a temperature that make it the weather or a bath are read in its
          own sentence, which a cut never splits);
        - where each piece's tokens are the whole text's, checked here; if not, the text is
          read whole. Each piece keeps the whole text's sentences."""
        blocked: set[int] = set()  # a cut before one of these token indices splits a match
        safe_cuts: frozenset[int] = doc.user_data.get(_SAFE_CUTS, frozenset())
        for span in doc.spans[_GROUP]:
            blocked.update(range(span.start + 1, span.end))
        text = doc.text
        # ... and no word for temperature is parted from its number, even where the whole
        # text did not count it ("... and temp\n38.6": its words, over two sentences, named
        # a bath): a piece would read the number alone, in its own sentence, and count it
        for match in _TEMP.finditer(text):
            words = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if words is not None:
                blocked.update(range(words.start + 1, words.end))
        cuts: list[int] = []
        last_cut = 0
        for token in doc[1:]:
            start = token.i
            if not token.is_sent_start or start - last_cut < PIECE_TOKENS or start in blocked:
                continue
            before = doc[start - 1]
            breaks = before.is_space and "\n" in before.text
            may_cut = self.may_cut_after(before.text) or start in safe_cuts
            if not may_cut or not (
                before.whitespace_ or breaks or _apart(text[token.idx - 1], text[token.idx])
            ):
                continue
            cuts.append(start)
            last_cut = start
        if not cuts:
            return None
        pieces = []
        bounds = [0, *cuts, len(doc)]
        for first, after in itertools.pairwise(bounds):
            begin = doc[first].idx
            end = doc[after].idx if after < len(doc) else len(text)
            piece = self._tokens(text[begin:end])
            if [t.text for t in piece] != [t.text for t in doc[first:after]]:
                return None
            for mine, theirs in zip(piece, doc[first:after], strict=True):
                mine.is_sent_start = theirs.is_sent_start
            pieces.append(piece)
        return pieces

    def _read_doc(
        self,
        doc: Any,
        suppress: set[str],
        found: dict[str, Finding],
        dismissed: list[Dismissed],
        temperatures: list[tuple[Any, bool]],
    ) -> None:
        """Read one doc (a whole text or a piece of it, its signs found) into the findings
        so far."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            doc = self.context(doc)
        spans = list(doc.spans[_GROUP])
        refused = [
            (s.start, s.end, s.label_[len(_NOT) :]) for s in spans if s.label_.startswith(_NOT)
        ]
        # a checklist's "no" answers the sign before it, and denies nothing after it
        answers = {i for ent in spans if (i := _answer_to(ent)) is not None}
        for ent in spans:
            if ent.label_.startswith(_NOT):
                continue
            if any(a <= ent.start and ent.end <= b and c == ent.label_ for a, b, c in refused):
                continue  # inside a longer wording that does not mean the sign
            categories = set()
            unsure = False  # a negation reaching over a comma or "and" (`_said_of_another`)
            for modifier in ent._.modifiers:
                if modifier.category == _NEGATED and modifier.modifier_span[0] in answers:
                    if modifier.modifier_span[0] > ent.start:
                        categories.add(_NEGATED)  # the sign's own answer
                    continue  # another sign's answer: "Fever: No Seizure: Yes"
                if modifier.category == _NEGATED and _said_of_another(modifier, ent):
                    unsure = True
                else:
                    categories.add(modifier.category)
            if unsure and _NEGATED not in categories:
                categories.add("POSSIBLE_EXISTENCE")
            rule = ent._.target_rule
            paired = rule is not None and rule.literal.endswith(_PAIR)
            if paired and _negated_inside(ent) and not self._a_wording_says(ent):
                categories.add("NEGATED_EXISTENCE")
            if ent.label_ != _TEMPERATURE and _answer_to(ent) is not None:
                categories.add(_NEGATED)  # "Fever: No", a checklist's answer
            stopped = sorted(categories & suppress)
            if ent.label_ == _TEMPERATURE:
                temperatures.append((ent, not stopped))
                continue
            if self._explained(ent):
                stopped = ["EXPLAINED"]
            if stopped:
                dismissed.append(Dismissed(ent.label_, ent.text, _WHY.get(stopped[0], stopped[0])))
                continue
            possible = "POSSIBLE_EXISTENCE" in categories
            for concept in (ent.label_, *self.implies.get(ent.label_, ())):
                held = found.get(concept)
                if held is None or (held.possible and not possible):
                    found[concept] = Finding(concept, ent.text, possible)

    def _explained(self, span: Any) -> bool:
        """Whether the sign's sentence names a food or medicine that explains it ("beetroot
        for tea and now my wee is red"), not denied ("not on iron tablets, poo is black")."""
        explains = self.explained_by.get(span.label_)
        if not explains:
            return False
        doc = span.doc
        for token in span.sent:
            if token.lemma_ in explains:
                before = doc[max(token.i - 3, span.sent.start) : token.i]
                if not any(t.lower_ in _EXPLAIN_DENIED for t in before):
                    return True
        return False

    def _a_wording_says(self, span: Any) -> bool:
        """Whether a written wording of the span's sign covers exactly its words: then a
        negation inside is part of the wording ("breathless, can't even talk"), not a "not"
        that turns a word pair around ("legs don't feel numb")."""
        return any(
            (self.nlp.vocab.strings[key], start, end) == (span.label_, span.start, span.end)
            for key, start, end in self.wordings(span.doc)
        )


# A checklist's answer after a sign ("Fever: No", "Seizures: none", "Fever N, Chills N"): the
# marks that may stand between, and the answers that deny it.
# A question mark is one too (fourth probe): a sign asked and answered, "Fever? No.",
# "Chills? Not at all."; and a cross ticked after a sign is its "no" ("fever ❌ chills ❌").
_ANSWER_MARKS = frozenset({":", "-", "=", "–", "—", "?"})
_NO_ANSWERS = frozenset(
    {"no", "n", "none", "nil", "negative", "neg", "absent", "denies", "denied", "nope", "nah"}
)
_CROSSES = frozenset({"❌", "✗", "✘", "✖", "✖️", "❎"})
_NO_ANSWER_WORDS = (("not", "at", "all"), ("not", "really"), ("never",))


def _answer_to(span: Any) -> int | None:
    """Where a sign is answered "no" right after it, as a checklist does, or None: an answer
    from `_NO_ANSWERS` after the sign (a mark from `_ANSWER_MARKS` may stand between, on the
    same line), ending its clause: the text ends, or a mark, a line break or a new label
    ("Fever: No Seizure: Yes", "Chills - N  Confusion - Y") follows. Words that go on ("no
    idea why", "no one saw", "no better") are no answer."""
    doc = span.doc
    i: int = span.end
    if i < len(doc) and doc[i].text in _ANSWER_MARKS:
        i += 1
    if i < len(doc) and doc[i].text in _CROSSES:
        return i  # a cross ends its own answer: "fever ❌ chills ❌"
    words = next(
        (len(w) for w in _NO_ANSWER_WORDS if [t.lower_ for t in doc[i : i + len(w)]] == list(w)),
        0,
    )
    if not words and (i >= len(doc) or doc[i].lower_ not in _NO_ANSWERS):
        return None
    after = i + max(words, 1)
    while after < len(doc) and doc[after].is_space and "\n" not in doc[after].text:
        after += 1  # spaces between the answers of one line
    if after >= len(doc):
        return i
    nxt = doc[after]
    if nxt.is_punct or nxt.is_space or nxt.is_sent_start:
        return i
    # a new label: a capitalised word with its mark within the next three words
    if nxt.is_title and any(t.text in _ANSWER_MARKS for t in doc[after + 1 : after + 4]):
        return i
    return None


def _apart(left: str, right: str) -> bool:
    """Whether two touching characters may be cut apart without changing a temperature the
    text gives (a number, its decimals and its unit stay whole)."""
    return not (left.isdigit() or left == "." or right.isdigit() or right == ".")


def _repeats(token: dict[str, Any]) -> bool:
    """Whether a pattern token may match more than one token in a row."""
    op = str(token.get("OP", ""))
    return op not in ("", "!", "?") and op not in ("{0,1}", "{1}", "{1,1}")


def _may_match(token: dict[str, Any], text: str) -> bool:
    """Whether one spaCy token pattern could match the token `text`; cautious: True unless
    a word, a list of words, a regex or the kind of token rules it out."""
    if token.get("IS_ALPHA") is True and not text.isalpha():
        return False
    if token.get("IS_DIGIT") is True and not text.isdigit():
        return False
    for key, probe in (("ORTH", text), ("TEXT", text), ("LOWER", text.lower())):
        wanted = token.get(key)
        if isinstance(wanted, str) and wanted != probe:
            return False
        if isinstance(wanted, dict):
            if "IN" in wanted and probe not in wanted["IN"]:
                return False
            if "REGEX" in wanted and not re.search(wanted["REGEX"], probe):
                return False
    return True


def _reader(vocab: SymptomVocabularyFile) -> _Reader:
    return once_per(vocab, "symptom_reader", lambda: _Reader(vocab))


# A temperature: a number with a degree sign or C/F, or a number right after a word for
# temperature ("temp 38.4", "fever of 101", "pyrexia 38.7"), a thermometer's site
# ("tympanic 38.2", "axillary", "forehead") or a nurse's "T" ("T 39", "T=38.9": the letter
# alone, right before its number).
_TEMP_WORDS = (
    r"temp(?:erature)?|fever|febrile|thermometer|pyrexi(?:a|al)|tympanic|axillary|forehead"
    r"|\bt\b(?=\s*[=:]?\s*\d)"
)
_TEMP = re.compile(
    r"(?:(?:" + _TEMP_WORDS + r")\D{0,12}?)?"
    r"(?<![\d.])(\d{2,3}(?:[.,]\d{1,2})?)\s*(°\s*[cf]?|º\s*[cf]?|degrees?\s*[cf]?|deg\s*[cf]?|[cf]\b)?",
    re.IGNORECASE,
)
_TEMP_WORD = re.compile(_TEMP_WORDS, re.IGNORECASE)
_DECIMALS = re.compile(r"[.,]\d+$")
# The words between two readings in a row ("temp 37.9 then 38.2", "38.1, 38.4 now"): the
# second is a temperature too, read with the first.
_THEN = re.compile(
    r"[\s,;/>→-]*(?:(?:then|and|now|to|up|rising|went|going|later|an hour later|is|was|it's"
    r"|at\s+\d{1,2}(?:[:.]\d\d)?\s*(?:am|pm)?)[\s,;/>→-]+){0,4}",
    re.IGNORECASE,
)
# A number that counts something else ("temp 37.5, 40 minutes later") is no reading.
_COUNTS_ELSE = re.compile(
    r"\s*(?:min|hour|hr|sec|day|week|month|year|mg|mcg|kg|g\b|ml|%|people|times|x\b|tablet|pill)",
    re.IGNORECASE,
)
# A number read off a thermometer named after it ("38.1 on the ear thermometer", "38.6 by
# the forehead thermometer"): the words are part of the temperature's span.
_THERMOMETER_AFTER = re.compile(
    r"\s*(?:on|by|with|from|according\s+to)\s+(?:the\s+|my\s+|her\s+|his\s+|a\s+)?"
    r"(?:[a-z]+\s+)?(?:thermometer|temp\b)",
    re.IGNORECASE,
)
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
    r"|today|since\s+(?:this\s+)?morning|since\s+last\s+night|overnight|so\s+far"
    r"|since\s+(?:breakfast|brekkie|lunch|i\s+got\s+up|waking))",
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


def _temperature_matches(
    text: str, sentence: Callable[[int, int], tuple[int, int]] | None = None
) -> list[tuple[int, int, float]]:
    """(start, end, °C) of every body temperature the text gives (°F converted:
    (F − 32) × 5/9). A bare number counts only beside a word for temperature or a unit; a
    sentence about the weather, a room or a bath gives none. `sentence` gives the sentence
    around a match (its first and last character) where the text has been split into
    sentences; else a sentence runs from one full stop or line break to the next."""
    out: list[tuple[int, int, float]] = []
    for match in _TEMP.finditer(text if sentence else text[:MAX_NOTE_CHARS]):
        number = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or "").lower().replace(" ", "")
        worded = _TEMP_WORD.match(match.group(0)) is not None
        end = match.end()
        after = None if unit or worded else _THERMOMETER_AFTER.match(text, end)
        if after is not None:
            worded, end = True, after.end()
        begin = match.start()
        if (
            not unit
            and not worded
            and out
            and _THEN.fullmatch(text, out[-1][1], begin)
            and not _COUNTS_ELSE.match(text, match.end(1))
        ):
            worded, begin = True, out[-1][0]  # read with the reading before it
        decimal = not unit and not worded and _DECIMALS.search(match.group(1)) is not None
        if not unit and not worded and not decimal:
            continue
        if unit.endswith("f") or (not unit.endswith("c") and 93 <= number <= 110):
            celsius = fahrenheit_to_celsius(number)
        else:
            celsius = number
        if not 34.0 <= celsius <= 43.5:  # not a body temperature: some other number
            continue
        if sentence is not None:
            start, stop = sentence(begin, end)
        else:
            start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
            stops = [i for i in (text.find(".", end), text.find("\n", end)) if i >= 0]
            stop = min(stops) if stops else len(text)
        if _AMBIENT.search(text[start:stop]):
            continue
        # A number with decimals, far from the word for temperature in its sentence ("no
        # fever until tonight, now 38.9"), is the temperature the sentence speaks of; one
        # that counts something else ("38.5 kg") is not.
        if decimal and (
            not _TEMP_WORD.search(text[start:stop]) or _COUNTS_ELSE.match(text, match.end(1))
        ):
            continue
        out.append((begin, end, round(celsius, 1)))
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

    def sentence(start: int, end: int) -> tuple[int, int]:
        words = doc.char_span(start, end, alignment_mode="expand")
        return doc[words.start].sent.start_char, doc[words.end - 1].sent.end_char

    for start, end, celsius in _temperature_matches(doc.text, sentence):
        # the reading kept with its words: a number read by its sentence ("no fever until
        # tonight, now 38.9") is no temperature in its own words
        span = doc.char_span(
            start, end, label=_TEMPERATURE, kb_id=str(celsius), alignment_mode="expand"
        )
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


# An oxygen saturation a finger meter gives ("sats 85%", "O2 84", "SpO2 was 86"): a word for
# it, then only linking words, then the number. Advice ("if your sats go under 90") has
# other words between and is not read; "sat" is left out ("sat 60 minutes in the waiting
# room"), and a number followed by a time or a volume is no saturation ("O2 at 90 mins").
_SPO2 = re.compile(
    r"\b(?:sp\s*o2|sp02|sats|saturations?|o2|oxygen)(?:\s+(?:levels?|sats|saturations?))?"
    r"(?:\s*[:=\-]|\s+(?:is|was|were|of|at|now|reads?|reading|showing|shows|says|said|only|just"
    r"|down\s+to|dropped\s+to|fell\s+to))*\s*(\d{2,3})(?:[.,]\d)?\s*%?(?![\d/])"
    r"(?!\s*(?:mins?|minutes?|hours?|hrs?|seconds?|secs?|litres?|liters?|l\b|years?|days?|mg|ml))",
    re.IGNORECASE,
)
# a saturation is a percentage: other numbers after "O2" are litres or times
_SPO2_RANGE = (50, 100)


def read_spo2(text: str) -> int | None:
    """The lowest oxygen saturation (%) the note gives, read beside a word for it."""
    values = [int(m.group(1)) for m in _SPO2.finditer(text[:MAX_NOTE_CHARS])]
    values = [v for v in values if _SPO2_RANGE[0] <= v <= _SPO2_RANGE[1]]
    return min(values) if values else None


def _read(text: str, vocab: SymptomVocabularyFile, sex: str | None) -> NoteReading:
    tidied = tidy(text)
    findings, dismissed, temperatures = _reader(vocab).read(tidied, sex)
    best: tuple[float, str] | None = None
    for span, affirmed in temperatures:
        celsius = float(span.kb_id_)
        if affirmed and (best is None or celsius > best[0]):
            best = (celsius, span.text.strip())
    return NoteReading(
        findings=tuple(findings),
        dismissed=tuple(dismissed),
        temperature_c=best[0] if best else None,
        temperature_words=best[1] if best else None,
        stools_per_day=read_stools_per_day(tidied),
        spo2_percent=read_spo2(tidied),
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
