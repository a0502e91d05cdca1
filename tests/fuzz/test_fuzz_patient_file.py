"""Fuzzing the patient-file parser: mutated example files (bytes, YAML text and values) must
each end in the project's own clear error (`RecordInvalid`, `InputTooLarge`) or a valid
record that the store can write and read back, never another exception and never a hang."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from nextline.errors import InputTooLarge, RecordInvalid
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import load_knowledge
from nextline.record import build_record, patient_file_data
from nextline.record.parse import decode_patient_data, validate_patient_data
from tests.fuzz.conftest import COUNTS, fuzz_settings

AS_OF = dt.date(2030, 1, 1)
KB = load_knowledge()
SEEDS = [example_path(i).read_text(encoding="utf-8") for i in EXAMPLE_IDS]
DATA = [yaml.safe_load(text) for text in SEEDS]

# Text that broke parsers before: impossible dates, huge numbers, markup, control
# characters, escapes that make lone surrogates, deep nesting, anchors and aliases.
HOSTILE_TEXT = [
    "2024-02-30",
    "2023-13-01",
    "9" * 5000,
    "1e309",
    "-.inf",
    ".nan",
    "[/bold]",
    "[bold red]x[/]",
    '"\\ud800"',
    '"\\x07\\x1b[2J"',
    "[" * 2000,
    "{" * 2000,
    "&a [*a]",
    "*undefined",
    "? [a, b]",
    "!!python/object:os.system",
    "\t",
    "\x00",
    "\ufeff",
    "'",
    '"',
    ": :",
    "- -",
    "<<: *a",
    "x" * 6000,
]
HOSTILE_VALUES: list[Any] = [
    None,
    "",
    -1,
    0,
    -0.5,
    10**400,
    float("inf"),
    float("nan"),
    True,
    [],
    {},
    "2024-02-30",
    "[/bold]",
    "\ud800",
    "\x07",
    "x" * 6000,
    ["x"] * 3,
    {"unexpected": 1},
    [[[[[[[[[[[]]]]]]]]]]],
    "9999-12-31",
    "0000-01-01",
]


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


def _set(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _set(node[path[0]], path[1:], value)
    return copy


@st.composite
def text_mutants(draw: st.DrawFn) -> bytes:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "bytes"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(HOSTILE_TEXT)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 200)) :]
        elif kind == "replace":
            text = text[:at] + draw(st.text(min_size=1, max_size=8)) + text[at + 1 :]
        elif kind == "duplicate":
            text = text[:at] + text[at : at + draw(st.integers(1, 400))] * 2 + text[at:]
        else:
            raw = text.encode("utf-8", errors="surrogatepass")
            junk = draw(st.binary(min_size=1, max_size=8))
            return raw[:at] + junk + raw[at:]
    return text.encode("utf-8", errors="surrogatepass")


@st.composite
def value_mutants(draw: st.DrawFn) -> tuple[bytes, bool]:
    data: Any = draw(st.sampled_from(DATA))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths[1:] or paths))
        value = draw(st.one_of(st.sampled_from(HOSTILE_VALUES), st.text(max_size=30)))
        data = _set(data, path, value)
    if draw(st.booleans()):
        return json.dumps(data, default=str, allow_nan=True).encode("utf-8"), True
    try:
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(data, Dumper=dumper, allow_unicode=draw(st.booleans()))
    except (yaml.YAMLError, UnicodeEncodeError):  # a lone surrogate cannot be YAML: use JSON
        return json.dumps(data, default=str).encode("utf-8"), True
    return text.encode("utf-8", errors="surrogatepass"), False


def _outcome(raw: bytes, is_json: bool) -> str:
    """How one input ends; any exception other than the project's own is a crash."""
    try:
        file = validate_patient_data(decode_patient_data(raw, "fuzz", is_json))
    except InputTooLarge:
        return "too large"
    except RecordInvalid:
        return "clear error"
    # What the store writes must encode, and read back as the same record: nothing lost.
    stored = json.dumps(patient_file_data(file), ensure_ascii=False).encode("utf-8")
    again = validate_patient_data(json.loads(stored))
    assert patient_file_data(again) == patient_file_data(file)
    try:
        build_record(file, KB, AS_OF)
    except RecordInvalid:
        return "clear error"
    return "valid record"


@fuzz_settings("patient file (text)")
@given(text_mutants())
def test_mutated_patient_file_text_ends_clearly(raw: bytes) -> None:
    COUNTS["patient file (text)", _outcome(raw, is_json=False)] += 1


@fuzz_settings("patient file (values)")
@given(value_mutants())
def test_mutated_patient_file_values_end_clearly(mutant: tuple[bytes, bool]) -> None:
    raw, is_json = mutant
    COUNTS["patient file (values)", _outcome(raw, is_json)] += 1
