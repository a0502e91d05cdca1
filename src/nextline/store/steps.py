"""Where undo and redo go, worked out from the notes of the stored versions.

Undo and redo are themselves versions (nothing is ever overwritten), so the history alone says
which change each press takes back. Walking the versions in order keeps two stacks: `done`,
the versions whose content was reached by ordinary changes (or redone), and `undone`, the ones
taken back and not yet redone. An ordinary change (an edit, an import, a restore) ends the
redo chain. A note that claims to be an undo or redo but does not fit the walk (an older
undo that took back an undo, or an imported note that merely looks like one) is treated as an
ordinary change, so a strange history never sends an undo somewhere unexpected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_UNDO = re.compile(r"undo: back to version (\d+)")
_REDO = re.compile(r"redo: forward to version (\d+)")


def undo_note(target: int) -> str:
    return f"undo: back to version {target}"


def redo_note(target: int) -> str:
    return f"redo: forward to version {target}"


def restore_note(version: int) -> str:
    return f"restored version {version}"


@dataclass(frozen=True)
class Steps:
    """Where the next undo and redo would go (None: nothing to undo / redo)."""

    undo_to: int | None
    redo_to: int | None


def walk(notes: Iterable[tuple[int, str]]) -> Steps:
    """The undo and redo targets after the versions `(number, note)`, oldest first."""
    done: list[int] = []
    undone: list[int] = []
    for version, note in notes:
        undo = _UNDO.fullmatch(note)
        redo = _REDO.fullmatch(note)
        if undo and len(done) >= 2 and done[-2] == int(undo.group(1)):
            undone.append(done.pop())
        elif redo and undone and undone[-1] == int(redo.group(1)):
            done.append(undone.pop())
        else:
            done.append(version)
            undone.clear()
    return Steps(
        undo_to=done[-2] if len(done) >= 2 else None,
        redo_to=undone[-1] if undone else None,
    )
