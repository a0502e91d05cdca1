"""`once_per`: a value worked out once per knowledge object, never mixed up between objects."""

from __future__ import annotations

from nextline.assess._cache import once_per


class Owner:
    def __init__(self, name: str) -> None:
        self.name = name


def test_once_per_works_a_value_out_once_per_owner_and_name() -> None:
    calls: list[str] = []

    def make(owner: Owner, what: str) -> str:
        calls.append(f"{owner.name}:{what}")
        return f"{owner.name}/{what}"

    first, second = Owner("a"), Owner("b")
    assert once_per(first, "x", lambda: make(first, "x")) == "a/x"
    assert once_per(first, "x", lambda: make(first, "x")) == "a/x"
    assert once_per(first, "y", lambda: make(first, "y")) == "a/y"
    assert once_per(second, "x", lambda: make(second, "x")) == "b/x"
    assert calls == ["a:x", "a:y", "b:x"]


def test_once_per_never_hands_a_new_owner_the_value_of_an_earlier_one() -> None:
    # CPython often gives a new object the id of one just dropped; the cache keeps each
    # owner (and compares it by identity), so a new owner always gets its own value.
    seen = [once_per(Owner(name), "name", lambda name=name: name) for name in ("a", "b", "c")]
    assert seen == ["a", "b", "c"]
