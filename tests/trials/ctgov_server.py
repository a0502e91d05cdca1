"""A local stand-in for the ClinicalTrials.gov API v2 `/studies` endpoint, served over real
HTTP from a thread, for the sync tests and `bench/bench_trials_sync.py`.

It implements what nextline sends (the API v2 parameter names): `query.cond` (every word
must appear in the conditions or title), `filter.overallStatus` (pipe-separated),
`filter.advanced=AREA[LastUpdatePostDate]RANGE[date,MAX]`, `pageSize`, `pageToken` (opaque),
`countTotal`. Answers are `{"studies": [...], "nextPageToken"?, "totalCount"?}`.

Failures are scripted: `server.script` is a list of actions taken by the next requests in
turn: `("status", 429, {"Retry-After": "7"})`, `("status", 500, {})`, `("sleep", seconds)`
(answer late, to make the client time out), `("garbage",)`; an empty list means answer
normally. Every request is recorded in `server.requests` as (path, params).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

CRITERIA = "Inclusion Criteria:\n\n* Metastatic breast cancer\n\nExclusion Criteria:\n\n* None"


def make_study(
    nct_id: str,
    title: str,
    *,
    status: str = "RECRUITING",
    last_update: str = "2026-01-15",
    conditions: tuple[str, ...] = ("Metastatic Breast Cancer",),
    criteria: str = CRITERIA,
) -> dict[str, Any]:
    """A study in the API v2 shape with the fields nextline reads (constructed, not real)."""
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": title},
            "statusModule": {
                "overallStatus": status,
                "lastUpdatePostDateStruct": {"date": last_update, "type": "ACTUAL"},
            },
            "conditionsModule": {"conditions": list(conditions)},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE2"]},
            "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "Drug A"}]},
            "eligibilityModule": {
                "eligibilityCriteria": criteria,
                "sex": "ALL",
                "minimumAge": "18 Years",
            },
        },
        "hasResults": False,
    }


def breast_studies(count: int, start: int = 1, **kwargs: Any) -> list[dict[str, Any]]:
    return [
        make_study(f"NCT{90000000 + i:08d}", f"Breast cancer study {i}", **kwargs)
        for i in range(start, start + count)
    ]


class FakeCtgov(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, studies: list[dict[str, Any]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.studies = studies
        self.script: list[tuple[Any, ...]] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/api/v2"

    def select(self, params: dict[str, str]) -> list[dict[str, Any]]:
        chosen = list(self.studies)
        words = params.get("query.cond", "").lower().split()
        if words:
            chosen = [s for s in chosen if all(w in _searchable(s) for w in words)]
        if "filter.overallStatus" in params:
            wanted = set(params["filter.overallStatus"].split("|"))
            chosen = [s for s in chosen if _module(s, "statusModule")["overallStatus"] in wanted]
        advanced = params.get("filter.advanced")
        if advanced:
            match = re.fullmatch(
                r"AREA\[LastUpdatePostDate\]RANGE\[(\d{4}-\d{2}-\d{2}),MAX\]", advanced
            )
            assert match, advanced
            since = match.group(1)
            chosen = [s for s in chosen if _last_update(s) >= since]
        return chosen


def _module(study: dict[str, Any], name: str) -> dict[str, Any]:
    module: dict[str, Any] = study["protocolSection"][name]
    return module


def _last_update(study: dict[str, Any]) -> str:
    date: str = _module(study, "statusModule")["lastUpdatePostDateStruct"]["date"]
    return date


def _searchable(study: dict[str, Any]) -> str:
    ident = _module(study, "identificationModule")
    conditions = _module(study, "conditionsModule")["conditions"]
    return " ".join([ident["briefTitle"], *conditions]).lower()


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(token: str) -> int:
    return int(base64.urlsafe_b64decode(token.encode()).decode().split(":")[1])


class _Handler(BaseHTTPRequestHandler):
    server: FakeCtgov

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self.server.lock:
            self.server.requests.append((parts.path, params))
            action = self.server.script.pop(0) if self.server.script else ("ok",)
        if parts.path != "/api/v2/studies":
            self._send(404, b'{"message": "not found"}')
            return
        if action[0] == "status":
            self._send(action[1], b'{"message": "scripted failure"}', action[2])
            return
        if action[0] == "garbage":
            self._send(200, b"<html>not json</html>")
            return
        if action[0] == "sleep":
            time.sleep(action[1])
        chosen = self.server.select(params)
        size = int(params.get("pageSize", "10"))
        offset = _offset(params["pageToken"]) if "pageToken" in params else 0
        page: dict[str, Any] = {"studies": chosen[offset : offset + size]}
        if offset + size < len(chosen):
            page["nextPageToken"] = _token(offset + size)
        if params.get("countTotal") == "true" and "pageToken" not in params:
            page["totalCount"] = len(chosen)
        self._send(200, json.dumps(page).encode())

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass


@contextmanager
def serve(studies: list[dict[str, Any]]) -> Iterator[FakeCtgov]:
    server = FakeCtgov(studies)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
