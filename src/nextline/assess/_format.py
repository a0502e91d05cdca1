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

_MAX_KEPT = 20_000
_PLAIN: dict[float, str] = {}
_SIGNED: dict[float, str] = {}


def g(x: float) -> str:
    """`f"{x:g}"`."""
    text = _PLAIN.get(x) if x else None
    if text is None:
        text = f"{x:g}"
        if x and x == x:
            if len(_PLAIN) >= _MAX_KEPT:
                _PLAIN.clear()
            _PLAIN[x] = text
    return text


def signed_g(x: float) -> str:
    """`f"{x:+g}"`."""
    text = _SIGNED.get(x) if x else None
    if text is None:
        text = f"{x:+g}"
        if x and x == x:
            if len(_SIGNED) >= _MAX_KEPT:
                _SIGNED.clear()
            _SIGNED[x] = text
    return text
