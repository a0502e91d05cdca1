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
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice (line {line})", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


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
        message += f" (got {shown})"
    return message


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
    """Bytes to plain data; a clear `RecordInvalid` for binary, non-UTF-8 or malformed text."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputTooLarge(len(raw), MAX_FILE_BYTES, source)
    if b"\x00" in raw[:8192]:
        raise RecordInvalid([Problem("", "this is a binary file, not a YAML or JSON text")], source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        reason = f"not UTF-8 text: byte {exc.start} on line {line} cannot be read; save as UTF-8"
        raise RecordInvalid([Problem("", reason)], source) from exc
    if not text.strip():
        raise RecordInvalid([Problem("", "the file is empty")], source)
    try:
        data = json.loads(text) if is_json else yaml.load(text, Loader=_StrictLoader)
    except json.JSONDecodeError as exc:
        reason = f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise RecordInvalid([Problem("", reason)], source) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        raise RecordInvalid([Problem("", f"malformed YAML{where}: {what}")], source) from exc
    except RecursionError as exc:
        reason = "the file is nested too deeply to be a patient file (lists inside lists ...)"
        raise RecordInvalid([Problem("", reason)], source) from exc
    except (ValueError, OverflowError, TypeError) as exc:
        # e.g. an integer of more than 4,300 digits, or a key that is itself a list
        reason = f"cannot be read as {'JSON' if is_json else 'YAML'}: {str(exc)[:200]}"
        raise RecordInvalid([Problem("", reason)], source) from exc
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        reason = f"a patient file is a mapping of sections (nextline, patient, ...), not {kind}"
        raise RecordInvalid([Problem("", reason)], source)
    return data


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
    raw = path.read_bytes()
    return decode_patient_data(raw, str(path), is_json=path.suffix.lower() == ".json")


def read_patient_file(path: Path) -> PatientFile:
    """Read and validate one patient file from disk."""
    return validate_patient_data(read_patient_data(path), str(path))
