"""Read trials from a file, whatever its format; every loader converts into `Trial`.

Formats (told apart by content, not by file name; `.gz` is decompressed first):
- ClinicalTrials.gov API v2: one study object, a page `{"studies": [...]}`, a JSON list of
  studies, or JSONL with one study a line;
- the legacy `<clinical_study>` XML (TREC corpora), or JSONL rows `{nct_id, xml}` wrapping it;
- the snapshot rows of `shared/data/ctgov/` (the bundled catalog) and the HINT benchmark rows.

All-or-nothing: a file with any unreadable study raises `TrialDataInvalid` listing every
problem with its path (`line 3: protocolSection.identificationModule.nctId: ...`).
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

from nextline.errors import InputTooLarge, Problem, TrialDataInvalid
from nextline.trials.loaders._common import raise_if_problems
from nextline.trials.loaders.api_v2 import is_api_v2_study, trial_from_api_v2
from nextline.trials.loaders.hint import is_hint_row, trial_from_hint
from nextline.trials.loaders.legacy_xml import trial_from_xml_text
from nextline.trials.loaders.snapshot import is_snapshot_row, trial_from_snapshot
from nextline.trials.models import Trial

MAX_PROBLEMS = 50  # enough to see the pattern; the message stays readable
# Every recruiting breast cancer study in ClinicalTrials.gov as API v2 JSON is well under
# 100 MB; a file many times that is a mistake (a whole-registry dump) and would be read
# into memory, so it is refused before reading, and a gzip file is checked as it expands.
MAX_TRIAL_FILE_BYTES = 500_000_000


def read_text(path: Path) -> str:
    """The file's text, gunzipped when it starts with the gzip magic bytes."""
    limit = MAX_TRIAL_FILE_BYTES
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputTooLarge(size, limit, str(path), what="a trial file")
        data = path.read_bytes()
    except OSError as exc:
        raise TrialDataInvalid(
            [Problem("", f"cannot read the file: {exc.strerror}")], str(path)
        ) from None
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                data = unzipped.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise TrialDataInvalid([Problem("", f"broken gzip data: {exc}")], str(path)) from None
        if len(data) > limit:
            raise InputTooLarge(len(data), limit, f"{path} (unzipped)", what="a trial file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrialDataInvalid([Problem("", f"not UTF-8 text: {exc.reason}")], str(path)) from None


def trial_from_object(row: object, source: str, path: str, problems: list[Problem]) -> Trial | None:
    """One JSON object in any of the known row shapes."""
    if not isinstance(row, dict):
        problems.append(Problem(path, f"expected a study object, got {type(row).__name__}"))
        return None
    if is_api_v2_study(row):
        return trial_from_api_v2(row, source, path, problems)
    if isinstance(row.get("xml"), str):
        return trial_from_xml_text(row["xml"], source, f"{path}.xml", problems)
    if is_snapshot_row(row):
        return trial_from_snapshot(row, source, path, problems)
    if is_hint_row(row):
        return trial_from_hint(row, source, path, problems)
    problems.append(
        Problem(
            path,
            "not a known study shape (expected an API v2 study with protocolSection, a "
            "snapshot row with nct_id/title/eligibility, or a row with legacy xml)",
        )
    )
    return None


def parse_trials(text: str, source: str) -> list[Trial]:
    """Trials from the text of a file in any supported format (see the module docstring)."""
    problems: list[Problem] = []
    trials: list[Trial] = []
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        reason = f"not valid Unicode text (a lone surrogate at character {exc.start + 1})"
        raise TrialDataInvalid([Problem("", reason)], source) from None
    stripped = text.lstrip()
    if stripped.startswith("<"):
        trial = trial_from_xml_text(stripped, source, "", problems)
        if trial is not None:
            trials.append(trial)
    elif stripped.startswith("["):
        data = _json(stripped, problems)
        if isinstance(data, list):
            for i, row in enumerate(data):
                _add(trials, trial_from_object(row, source, f"[{i}]", problems))
    elif stripped.startswith("{"):
        data = _json(stripped, None)
        if data is not None:
            if isinstance(data, dict) and isinstance(data.get("studies"), list):
                for i, row in enumerate(data["studies"]):
                    _add(trials, trial_from_object(row, source, f"studies[{i}]", problems))
            else:
                _add(trials, trial_from_object(data, source, "", problems))
        else:  # JSON Lines: one object a line
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                row = _json(line, problems, f"line {number}")
                if row is not None:
                    _add(trials, trial_from_object(row, source, f"line {number}", problems))
                if len(problems) >= MAX_PROBLEMS:
                    break
    elif stripped:
        problems.append(Problem("", "neither JSON, JSON Lines nor XML"))
    else:
        problems.append(Problem("", "the file is empty"))
    seen: dict[str, int] = {}
    for i, trial in enumerate(trials):
        if trial.nct_id in seen:
            problems.append(Problem(trial.nct_id, "the same NCT id appears twice"))
        seen[trial.nct_id] = i
    # A study at the top of the file has no prefix: ".protocolSection..." reads "protocolSection..."
    problems = [Problem(p.path.lstrip("."), p.reason, p.severity) for p in problems]
    raise_if_problems(problems[:MAX_PROBLEMS], source)
    return trials


def read_trials(path: Path, source: str | None = None) -> list[Trial]:
    """Trials from a file (see the module docstring); `source` defaults to the file name.

    A folder (a TREC corpus is one XML file a study) is read whole: every `.xml`, `.json`,
    `.jsonl` file in it and below, gzipped or not, all or nothing.
    """
    if not path.is_dir():
        return parse_trials(read_text(path), source or path.name)
    suffixes = (".xml", ".json", ".jsonl", ".xml.gz", ".json.gz", ".jsonl.gz")
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(suffixes))
    if not files:
        raise TrialDataInvalid(
            [Problem("", "no .xml, .json or .jsonl files in this folder")], str(path)
        )
    trials: list[Trial] = []
    problems: list[Problem] = []
    for file in files:
        try:
            trials.extend(read_trials(file, source or path.name))
        except TrialDataInvalid as exc:
            where = file.relative_to(path).as_posix()
            problems += [Problem(f"{where}: {p.path}".rstrip(": "), p.reason) for p in exc.problems]
        if len(problems) >= MAX_PROBLEMS:
            break
    seen: set[str] = set()
    for trial in trials:
        if trial.nct_id in seen:
            problems.append(Problem(trial.nct_id, "the same NCT id appears twice"))
        seen.add(trial.nct_id)
    raise_if_problems(problems[:MAX_PROBLEMS], str(path))
    return trials


def _add(trials: list[Trial], trial: Trial | None) -> None:
    if trial is not None:
        trials.append(trial)


def _json(text: str, problems: list[Problem] | None, path: str = "") -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if problems is not None:
            problems.append(Problem(path, f"not valid JSON: {exc.msg} at column {exc.colno}"))
        return None
    except (RecursionError, ValueError) as exc:  # nested too deeply, a 5,000-digit number
        if problems is not None:
            problems.append(Problem(path, f"not readable JSON: {type(exc).__name__}"))
        return None


__all__ = ["parse_trials", "read_text", "read_trials", "trial_from_object"]
