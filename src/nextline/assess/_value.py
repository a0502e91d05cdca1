"""`@value`: the engine's result types, immutable by contract and fast to build.

Why not `@dataclass(frozen=True)`: a frozen dataclass sets each field through
`object.__setattr__`, which made building a result six times slower than a plain slotted
dataclass (7.1 µs against 1.1 µs for a 13-field timepoint, measured with `bench/`); the
engine builds dozens per record. `dataclass_transform(frozen_default=True)` makes mypy
(strict, on src/) refuse any assignment to a field, so the results stay read-only in the
code base, while building them costs what a plain slotted dataclass costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def value(cls: type[T]) -> type[T]:
    """A slotted dataclass that mypy treats as frozen (hashable like a frozen one)."""
    return dataclass(slots=True, unsafe_hash=True)(cls)
