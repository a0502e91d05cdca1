"""Write a `PatientFile` back as YAML or JSON, deterministically.

Why deterministic: export → import → export must be byte-stable, so keys follow the model's
field order, empty and absent values are left out, and dates are ISO strings.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from nextline.record.file_models import PatientFile


def patient_file_data(file: PatientFile, mode: str = "json") -> dict[str, Any]:
    """The file as plain data without absent, default or empty fields (`mode="python"`
    keeps dates as dates, for YAML)."""
    data = file.model_dump(mode=mode, exclude_none=True, exclude_defaults=True)
    pruned: dict[str, Any] = _prune(data)
    # Required sections stay even when empty (`diagnosis: {}`), or the file would not load.
    return {"nextline": file.nextline, **{k: pruned.get(k, {}) for k in _REQUIRED}, **pruned}


_REQUIRED = ("patient", "diagnosis")


def _prune(node: Any) -> Any:
    if isinstance(node, dict):
        pruned = {k: _prune(v) for k, v in node.items()}
        return {k: v for k, v in pruned.items() if v != [] and v != {}}
    if isinstance(node, list):
        return [_prune(v) for v in node]
    return node


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key and never emits aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump_patient_file(file: PatientFile, fmt: str = "yaml") -> str:
    """The file as YAML (default) or JSON text."""
    if fmt == "json":
        return json.dumps(patient_file_data(file), indent=2, ensure_ascii=False) + "\n"
    data = patient_file_data(file, mode="python")
    text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text
