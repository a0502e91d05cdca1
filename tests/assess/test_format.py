"""`g` and `signed_g` write a number exactly as `f"{x:g}"` and `f"{x:+g}"` do, however
often they are asked and whatever was asked before (the kept strings are only a speed-up)."""

from __future__ import annotations

import math
import random

from nextline.assess._format import g, signed_g

AWKWARD = [0.0, -0.0, 5, 5.0, -5.0, 0.1, 1e-7, 1e17, 10**17, 123456789.0, 45.25, -24.6, True]


def test_every_value_is_written_as_the_format_writes_it_first_time_and_again() -> None:
    rng = random.Random(7)
    values = AWKWARD + [round(rng.uniform(-300, 300), rng.randint(0, 3)) for _ in range(2000)]
    for _ in range(2):  # the second pass reads the kept strings
        assert [g(x) for x in values] == [f"{x:g}" for x in values]
        assert [signed_g(x) for x in values] == [f"{x:+g}" for x in values]


def test_minus_zero_and_nan_are_never_confused_with_zero_or_each_other() -> None:
    assert (g(0.0), g(-0.0), g(0.0)) == ("0", "-0", "0")
    assert (signed_g(-0.0), signed_g(0.0), signed_g(-0.0)) == ("-0", "+0", "-0")
    assert (g(math.nan), signed_g(math.nan), g(-math.inf)) == ("nan", "+nan", "-inf")
