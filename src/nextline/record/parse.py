"""Read a patient file (YAML or JSON) into a validated `PatientFile`.

The edge between bytes and the model: size limit first, then UTF-8, then YAML/JSON, then
the schema. Every schema problem is reported at once with its path (`therapies[2].stop`).
YAML is read with YAML 1.2 booleans (only true/false), so a country code `NO` stays text,
and a key written twice in one mapping is an error instead of a silent overwrite.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from nextline.errors import InputTooLarge, Problem, RecordInvalid
from nextline.record.file_models import PatientFile

MAX_FILE_BYTES = 10_000_000  # a patient file with 10,000 lab rows is about 0.6 MB
SHOWN_LIMIT = 80  # characters of a refused value quoted back in an error message


# libyaml's C parser when PyYAML was built with it (about 20 times faster), with Python's
# resolver and constructor so the rules below still apply.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans and an error on duplicate keys."""


_StrictLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    previous: Any = None
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if _split_number(previous, key, value_node):
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"on line {line}, the comma in '{previous[0]}: {previous[1]},{key}' splits the "
                f"number: inside {{ }} a comma separates fields; write {previous[1]}{key} "
                "without a thousands comma (or with a point for a decimal)",
                key_node.start_mark,
            )
        previous = (key, None)
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice (line {line})", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        previous = (key, mapping[key])
    return mapping


def _split_number(previous: Any, key: Any, value_node: yaml.Node) -> bool:
    """Whether `key` is the rest of a number a thousands comma split off the previous value
    (`{value: 3,100}` reads as `value: 3` and a field `100` with no value)."""
    if previous is None or not isinstance(key, int) or isinstance(key, bool):
        return False
    number = previous[1]
    plain_number = isinstance(number, int | float) and not isinstance(number, bool)
    empty = isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "~", "null")
    return plain_number and empty


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _construct_timestamp(loader: _StrictLoader, node: yaml.ScalarNode) -> Any:
    # An unquoted date that does not exist (`2024-02-30`) stays text, so the schema names
    # the field and says the date is not valid, instead of the YAML reader failing.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


def _construct_int(loader: _StrictLoader, node: yaml.ScalarNode) -> Any:
    # An integer too long for Python to read (over 4,300 digits) stays text: the schema then
    # says which field is not a number.
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def format_path(loc: tuple[int | str, ...]) -> str:
    """`('therapies', 2, 'stop')` as `therapies[2].stop`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


def _reason(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (not part of the patient format)"
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    value = error.get("input")
    if kind not in ("model_type", "dict_type") and not isinstance(value, dict | list):
        shown = repr(value)
        if len(shown) > SHOWN_LIMIT:  # the message quotes the start; the value is not kept
            shown = f"{shown[: SHOWN_LIMIT - 1]}… ({len(str(value)):,} characters)"
        hinted = _hinted(kind, value, shown)
        if hinted is not None:
            return hinted
        message += f" (got {shown})"
    return message


def _hinted(kind: str, value: Any, shown: str) -> str | None:
    """A plain reason for a date or number written the way people write them
    (`record.input_hints`), or None to keep the schema's own words."""
    from nextline.record.input_hints import date_hint, number_hint

    if not isinstance(value, str) or len(value) > SHOWN_LIMIT:
        return None
    if kind.startswith(("date", "datetime")):
        hint = date_hint(value)
        return None if hint is None else f"not a date in the form YYYY-MM-DD (got {shown}): {hint}"
    if kind in ("float_parsing", "int_parsing", "decimal_parsing"):
        hint = number_hint(value)
        return None if hint is None else f"not a number (got {shown}): {hint}"
    return None


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """pydantic's errors as `Problem`s with patient-format paths (union branches removed)."""
    problems: list[Problem] = []
    for error in exc.errors():
        loc = tuple(
            part
            for part in error["loc"]
            if isinstance(part, int) or not any(c in str(part) for c in "[(")
        )
        problems.append(Problem(format_path(loc), _reason(dict(error))))
    return problems


def decode_patient_data(raw: bytes, source: str = "", is_json: bool = False) -> Any:
    """Bytes to plain data; a clear `RecordInvalid` for binary, non-UTF-8 or malformed text.

    JSON or YAML is told by the text, not the file's name: a file starting with `{` is read
    as JSON (and, when it is not named `.json`, as YAML if it is not JSON), anything else as
    YAML, so a JSON file named `.yaml` (or YAML named `.json`) reads as what it holds.
    `is_json` (the name ends in `.json`) only decides which error a broken file gets.
    """
    if len(raw) > MAX_FILE_BYTES:
        raise InputTooLarge(len(raw), MAX_FILE_BYTES, source)
    text = _text(raw, source)
    if not text.strip():
        raise RecordInvalid([Problem("", "the file is empty")], source)
    try:
        data = _parse(text, is_json)
    except _DuplicateKey as exc:
        raise RecordInvalid([Problem("", _json_duplicate(text, exc.key))], source) from exc
    except json.JSONDecodeError as exc:
        reason = f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise RecordInvalid([Problem("", reason)], source) from exc
    except yaml.YAMLError as exc:
        raise RecordInvalid([Problem("", _yaml_reason(text, exc))], source) from exc
    except RecursionError as exc:
        reason = "the file is nested too deeply to be a patient file (lists inside lists ...)"
        raise RecordInvalid([Problem("", reason)], source) from exc
    except (ValueError, OverflowError, TypeError) as exc:
        # e.g. an integer of more than 4,300 digits, or a key that is itself a list
        reason = f"cannot be read as {'JSON' if is_json else 'YAML'}: {str(exc)[:200]}"
        raise RecordInvalid([Problem("", reason)], source) from exc
    if data is None:
        raise RecordInvalid([Problem("", "the file is empty (it holds only comments)")], source)
    if not isinstance(data, dict):
        kind = f"a {type(data).__name__}"
        reason = f"a patient file is a mapping of sections (nextline, patient, ...), not {kind}"
        raise RecordInvalid([Problem("", reason)], source)
    return data


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _text(raw: bytes, source: str) -> str:
    """The file's text: UTF-8 with or without a byte-order mark. UTF-16 (what Notepad calls
    "Unicode") and other encodings are refused with the line that cannot be read."""
    head = raw[:8192]
    if raw.startswith(_UTF16_BOMS) or (len(head) >= 4 and _mostly_nul_pairs(head)):
        reason = (
            "the file is saved as UTF-16 (Notepad and Word call it 'Unicode'); "
            "save it as UTF-8 and import it again"
        )
        raise RecordInvalid([Problem("", reason)], source)
    if b"\x00" in head:
        raise RecordInvalid([Problem("", "this is a binary file, not a YAML or JSON text")], source)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordInvalid([Problem("", not_utf8_reason(raw, exc))], source) from exc


def not_utf8_reason(raw: bytes, exc: UnicodeDecodeError) -> str:
    """Where a file stops being UTF-8, with that line as Windows-1252 would show it."""
    line = raw[: exc.start].count(b"\n") + 1
    reason = f"not UTF-8 text: byte {exc.start} on line {line} cannot be read; save as UTF-8"
    return reason + _line_shown(raw, exc.start, line)


def _mostly_nul_pairs(head: bytes) -> bool:
    """UTF-16 text without a byte-order mark: every other byte of plain text is zero."""
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) > 0.4 * len(head) / 2 > 0


def _line_shown(raw: bytes, at: int, line: int) -> str:
    """The line holding the unreadable byte, as Windows-1252 would show it, so the person
    can find the field (only for the message: the file is refused, never read this way)."""
    begin = raw.rfind(b"\n", 0, at) + 1
    stop = raw.find(b"\n", at)
    shown = raw[begin : stop if stop != -1 else len(raw)].decode("cp1252", errors="replace")
    shown = shown.strip()[:SHOWN_LIMIT]
    return (
        f" (line {line} reads '{shown}'; it looks saved as Windows-1252 or Latin-1, "
        "as Word and Notepad may do)"
    )


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKey(key)
        mapping[key] = value
    return mapping


def _parse(text: str, is_json: bool) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError:
            if is_json:
                raise
    return yaml.load(text, Loader=_StrictLoader)


def _json_duplicate(text: str, key: str) -> str:
    import re

    found = list(re.finditer(rf'"{re.escape(json.dumps(key)[1:-1])}"\s*:', text))
    # the line only when the key is written exactly twice in the file (else it is not known
    # which of its places is the repeat)
    where = f" (line {text[: found[1].start()].count(chr(10)) + 1})" if len(found) == 2 else ""
    return f"key {key!r} appears twice in one object{where}; keep one"


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _yaml_reason(text: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    what = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return f"malformed YAML: {what}"
    lines = text.splitlines()
    for number in (mark.line + 1, mark.line):  # the line of the error, or the one before
        if 0 < number <= len(lines) and "\t" in _indent(lines[number - 1]):
            return (
                f"malformed YAML at line {number}: the line is indented with a tab; YAML "
                "needs spaces to indent (replace each tab with spaces)"
            )
    if what == "but found another document":
        return (
            f"malformed YAML at line {mark.line + 1}: a second document starts here ('---'); "
            "a patient file holds one record, so keep one document per file"
        )
    return f"malformed YAML at line {mark.line + 1}, column {mark.column + 1}: {what}"


def validate_patient_data(data: Any, source: str = "") -> PatientFile:
    """Plain data to a `PatientFile`; `RecordInvalid` lists every schema problem."""
    try:
        return PatientFile.model_validate(data)
    except ValidationError as exc:
        raise RecordInvalid(problems_from_validation(exc), source) from exc
    except RecursionError as exc:
        reason = "the data is nested too deeply to be a patient file"
        raise RecordInvalid([Problem("", reason)], source) from exc


def read_patient_data(path: Path) -> Any:
    """Read one patient file from disk as plain data (size checked before reading)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RecordInvalid(
            [Problem("", f"cannot read {path}: {exc.strerror}")], str(path)
        ) from exc
    if size > MAX_FILE_BYTES:
        raise InputTooLarge(size, MAX_FILE_BYTES, str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:  # a failing disk, a share gone, a folder given as a file
        reason = f"cannot read {path}: {exc.strerror or exc}"
        raise RecordInvalid([Problem("", reason)], str(path)) from exc
    return decode_patient_data(raw, str(path), is_json=path.suffix.lower() == ".json")


def read_patient_file(path: Path) -> PatientFile:
    """Read and validate one patient file from disk."""
    return validate_patient_data(read_patient_data(path), str(path))
