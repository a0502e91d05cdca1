"""The schema of the symptom vocabulary: how people write the signs that decide a red flag.

Why data: "my legs went to jelly", "can't feel my feet" and "wet myself" are the words a
triage nurse hears; which words mean which sign, and which surrounding words ("no", "last
year", "my sister had") cancel them, are clinical knowledge with sources, so they live in
`symptom_vocabulary.yaml` beside the red flags that use them, and are checked when the
knowledge base loads. The reader that applies them is `nextline.assess.symptom_reader`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from nextline.knowledge.schema import Slug, SourceRef, Strict

ContextCategory = Literal[
    "NEGATED_EXISTENCE",
    "HISTORICAL",
    "HYPOTHETICAL",
    "FAMILY",
    "POSSIBLE_EXISTENCE",
    "TERMINATE",
    "SELF",
    "OTHER_MALE",
    "OTHER_FEMALE",
    "CLAUSE",
]


class NearPair(Strict):
    """Two word lists that mean a sign when one word of each stands within `within` words
    of the other in one sentence, in either order ("legs ... numb", "numbness in my legs")."""

    a: list[str] = Field(min_length=1)
    b: list[str] = Field(min_length=1)
    within: int = Field(ge=0, le=8)


class Concept(Strict):
    """One sign as people write it. `phrases` are word sequences, compared word by word on
    their lemma-like stems ("*" stands for up to two words of any kind); `near` are pairs."""

    id: Slug
    name: str = Field(description="plain words, shown in the evidence")
    phrases: list[str] = []
    near: list[NearPair] = []
    not_phrases: list[str] = Field(
        default=[],
        description='longer wordings that do not mean the sign ("confused about the times")',
    )
    implies: list[Slug] = Field(
        default=[], description="signs this one always includes (breathless at rest: breathless)"
    )
    explained_by: list[str] = Field(
        default=[],
        description='words that, in its sentence, explain the sign away ("beetroot": red urine)',
    )
    sources: Annotated[list[SourceRef], Field(min_length=1)]


class ContextRuleData(Strict):
    """One ConText trigger (Harkema et al. 2009): words that change what a sign near them
    means. `max_scope` is how many words it reaches (None: the rest of the sentence)."""

    literal: str = Field(min_length=1)
    pattern: list[dict[str, Any]] | None = Field(
        default=None, description="a spaCy token pattern, when words alone cannot say it"
    )
    category: ContextCategory
    direction: Literal["FORWARD", "BACKWARD", "BIDIRECTIONAL", "TERMINATE"]
    max_scope: int | None = Field(default=None, ge=1, le=30)
    terminated_by: list[ContextCategory] = Field(
        default=[], description="categories besides TERMINATE that end this rule's reach"
    )
    not_for: list[Slug] = Field(
        default=[],
        description="signs this rule leaves as they are: a fit that 'has stopped' still happened",
    )


class SymptomVocabularyFile(Strict):
    """`symptom_vocabulary.yaml`."""

    format_version: Literal[1]
    irregular: dict[str, str] = Field(
        default={}, description="word forms a stemmer cannot reach (feet: foot, fell: fall)"
    )
    suppress: list[ContextCategory] = Field(
        min_length=1, description="ConText categories that stop a mention counting"
    )
    context: list[ContextRuleData] = Field(min_length=1)
    context_sources: Annotated[list[SourceRef], Field(min_length=1)]
    concepts: list[Concept] = Field(min_length=1)

    @model_validator(mode="after")
    def _not_for_names_signs(self) -> SymptomVocabularyFile:
        known = {c.id for c in self.concepts}
        for rule in self.context:
            unknown = sorted(set(rule.not_for) - known)
            if unknown:
                raise ValueError(
                    f"context rule {rule.literal!r}: not_for names no sign in concepts: {unknown}"
                )
        return self
