"""JSON Schemas of nextline's formats, generated from the models and committed in `schema/`.

A test regenerates them and compares, so the committed files never drift from the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schema"


def patient_file_schema() -> dict[str, Any]:
    from nextline.record.file_models import PatientFile

    schema = PatientFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nextline.example/schema/patient-file.schema.json"
    return schema


def options_schema() -> dict[str, Any]:
    """The `nextline options --json` contract (`OptionsResult.to_json()`)."""
    from pydantic import TypeAdapter

    from nextline.options import OptionsResult

    schema = TypeAdapter(OptionsResult).json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nextline.example/schema/options.schema.json"
    schema["title"] = "nextline options --json"
    return schema


def status_schema() -> dict[str, Any]:
    """The `nextline status --json` contract (`nextline.assess.status_json`)."""
    from nextline.assess import status_schema as assess_status_schema

    schema = dict(assess_status_schema())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nextline.example/schema/status.schema.json"
    schema["title"] = "nextline status --json"
    return schema


def trial_schema() -> dict[str, Any]:
    """The `nextline trials show --json` contract (a `Trial` as JSON)."""
    from nextline.trials.models import Trial

    schema = Trial.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nextline.example/schema/trial.schema.json"
    schema["title"] = "nextline trials show --json"
    return schema


def briefing_schema() -> dict[str, Any]:
    """The `nextline brief --json` contract (`Briefing.to_json()`)."""
    from pydantic import TypeAdapter

    from nextline.plan import Briefing

    schema = TypeAdapter(Briefing).json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nextline.example/schema/briefing.schema.json"
    schema["title"] = "nextline brief --json"
    return schema


def trials_match_schema() -> dict[str, Any]:
    from nextline.trials.match_contract import MatchReport

    schema = MatchReport.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://nextline.example/schema/trials.schema.json"
    return schema


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, for every committed schema."""
    return {
        "patient-file.schema.json": patient_file_schema(),
        "options.schema.json": options_schema(),
        "status.schema.json": status_schema(),
        "trial.schema.json": trial_schema(),
        "briefing.schema.json": briefing_schema(),
        "trials.schema.json": trials_match_schema(),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schemas(folder: Path = SCHEMA_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas().items():
        path = folder / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
