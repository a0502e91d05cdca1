"""The words a nurse or a thermometer's site puts before a temperature: "T 39", "T=38.9",
"pyrexia 38.7", "tympanic 38.2", "axillary 38.4" (ninth wave); a number after any other word
is no temperature."""

from __future__ import annotations

import pytest

from nextline.assess.symptom_reader import read_temperature


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("T 39", 39.0),
        ("T=38.9", 38.9),
        ("T: 38.2 and shivering", 38.2),
        ("pyrexia 38.7", 38.7),
        ("pyrexial at 38.5 overnight", 38.5),
        ("tympanic 38.2", 38.2),
        ("axillary temp 38.4", 38.4),
        ("forehead 38.4", 38.4),
        # other numbers after other words
        ("oral morphine 40mg", None),
        ("T 2 tablets", None),
        ("at 38 weeks", None),
        ("part 38 of the form", None),
        ("the T-shirt was size 38", None),
    ],
)
def test_a_temperature_after_its_word(text: str, celsius: float | None) -> None:
    found = read_temperature(text)
    assert (found[0] if found else None) == celsius, (text, found)
