"""One error tree for nextline, converted to a message at the edges (CLI, web app).

    NextlineError
    ├── RecordInvalid(problems)      a patient file or form failed validation; every problem
    │                                names its path (`therapies[2].stop`) and the reason
    │   └── TrialDataInvalid          a trial file (API v2, legacy XML, snapshot) could not be read
    ├── InputTooLarge(size, limit)   a file over the size limit, refused before reading
    ├── KnowledgeInvalid(problems)   a knowledge file broke its schema or a cross-reference
    ├── NotFound(what, key)          no stored person (or trial) with that id
    ├── Conflict(person, base, latest) a save built on a version that is no longer the latest
    ├── StoreError(reason)           the database could not be opened or migrated
    └── ConfigError(reason)          an unsafe or impossible setting

Why one tree: the CLI prints `str(error)` and exits non-zero without a traceback, the web
app renders one error shape, and tests assert on exact messages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One finding about an input: where it is, what is wrong, and how serious it is."""

    path: str
    reason: str
    severity: str = "error"  # "error" stops an import; "warning" is reported, never silent

    def __str__(self) -> str:
        where = self.path or "(file)"
        return f"{self.severity}: {where}: {self.reason}"


class NextlineError(Exception):
    """Base of every error nextline raises on purpose."""


class RecordInvalid(NextlineError):
    """A patient file or form failed validation; nothing was stored."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = [p for p in problems if p.severity == "error"]
        self.warnings = [p for p in problems if p.severity != "error"]
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.problems)
        lines = [f"{head}{count} problem{'s' if count != 1 else ''}; nothing was stored"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class TrialDataInvalid(RecordInvalid):
    """A trial file or API page could not be read; nothing from it was stored."""


class InputTooLarge(NextlineError):
    """A file larger than the limit; refused before it is parsed."""

    def __init__(
        self, size: int, limit: int, source: str = "", what: str = "a patient file"
    ) -> None:
        self.size = size
        self.limit = limit
        mb = size / 1_000_000
        limit_mb = limit / 1_000_000
        head = f"{source}: " if source else ""
        super().__init__(
            f"{head}file is {mb:.1f} MB, over the {limit_mb:.0f} MB limit for {what}; "
            "nothing was stored"
        )


class KnowledgeInvalid(NextlineError):
    """A knowledge file broke its schema or a cross-reference."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = [f"knowledge base has {len(problems)} problem(s)"]
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


class NotFound(NextlineError):
    """No stored item with that key."""

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} with id {key!r}")


class Conflict(NextlineError):
    """A save (or undo) built on a version that is no longer the latest; nothing was stored.

    Why refuse instead of writing: the change was made looking at an older record, so writing
    it would silently drop whatever was saved in between (optimistic concurrency).
    """

    def __init__(self, person_id: str, base: int, latest: int) -> None:
        self.person_id = person_id
        self.base = base
        self.latest = latest
        if base == 0:
            what = f"someone is already stored as {person_id!r} (version {latest})"
        elif latest == 0:
            what = (
                f"the record of {person_id!r} was deleted since this change was started "
                f"on version {base}"
            )
        else:
            what = (
                f"the record of {person_id!r} changed: this change was made on version {base}, "
                f"but version {latest} is now the latest"
            )
        super().__init__(f"{what}; nothing was stored. Look at what changed and try again.")


class KeyReused(Conflict):
    """An `Idempotency-Key` sent again with a different change: the key already named another
    change, so this one is refused (a client must use a new key for each new change)."""

    def __init__(self, person_id: str, version: int) -> None:
        NextlineError.__init__(
            self,
            f"this Idempotency-Key was already used for a different change to {person_id!r} "
            f"(version {version}); nothing was stored. Send each new change with a new key.",
        )
        self.person_id = person_id
        self.base = version
        self.latest = version


class StoreError(NextlineError):
    """The database could not be opened, migrated or written."""


class ConfigError(NextlineError):
    """An unsafe or impossible setting."""
