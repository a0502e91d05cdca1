"""Numbers as the engine's plain words write them (`f"{x:g}"`, `f"{x:+g}"`), each value
formatted once per process.

Why: formatting a float is slow next to everything else the engine does (about 0.7 µs); the
RECIST words of every follow-up scan hold up to five (sums, nadir, changes), and the same
few thousand values (sums in tenths of a millimetre, changes in tenths of a percent) come
back record after record. The text is the same byte for byte: the kept string is what the
format gave. Zero and NaN are never kept (-0.0 equals 0.0 as a key, NaN equals nothing);
the kept values are dropped when there are too many, so memory stays small.
"""

from __future__ import annotations

from collections.abc import Callable

_MAX_KEPT = 20_000


def kept_text(write: Callable[[float], str]) -> Callable[[float], str]:
    """`write`, each value's text worked out once per process (see the module docstring)."""
    kept: dict[float, str] = {}

    def text_of(x: float) -> str:
        text = kept.get(x) if x else None
        if text is None:
            text = write(x)
            if x and x == x:
                if len(kept) >= _MAX_KEPT:
                    kept.clear()
                kept[x] = text
        return text

    return text_of


# `f"{x:g}"` and `f"{x:+g}"`.
g = kept_text(lambda x: f"{x:g}")
signed_g = kept_text(lambda x: f"{x:+g}")
