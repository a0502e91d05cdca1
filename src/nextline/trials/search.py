"""Full-text search over the catalog: titles, conditions, interventions, summary, criteria.

- In the store on SQLite: the FTS5 table `trials_fts` (porter stemming), ranked by BM25 with
  the title weighted most (weights below).
- In the store on PostgreSQL: the generated `tsvector` column `search` (weighted A-D the same
  way), ranked by `ts_rank_cd`.
- Without a store: `MemoryIndex` builds the same FTS5 index in an in-memory SQLite database
  over any list of trials (the bundled catalog takes about a second; see bench/).

Queries are words, not syntax: each whitespace-separated term (`HER2-low`, `PIK3CA`) becomes a
phrase of its tokens; `mode="any"` ranks trials matching any term, `mode="all"` needs every one.
Nothing a user types reaches the engine as query syntax.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Engine, text

from nextline.trials.models import Trial

Mode = Literal["any", "all"]

# BM25 column weights: title, conditions, interventions, summary, criteria. A word in the
# title or conditions says more about what a study is for than one deep in the criteria.
BM25_WEIGHTS = (10.0, 5.0, 3.0, 2.0, 1.0)

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    """A trial that matched, with its relevance (higher is better; comparable within a query)."""

    nct_id: str
    score: float


def query_terms(query: str) -> list[list[str]]:
    """`'HER2-low  breast'` -> [['her2', 'low'], ['breast']]: terms as lists of tokens."""
    terms = []
    for raw in query.split():
        tokens = [t.lower() for t in _TOKEN.findall(raw)]
        if tokens:
            terms.append(tokens)
    return terms


def fts5_query(query: str, mode: Mode = "any") -> str | None:
    """An FTS5 MATCH expression with every token quoted (so no FTS5 syntax gets through)."""
    terms = query_terms(query)
    if not terms:
        return None
    phrases = ['"' + " ".join(tokens) + '"' for tokens in terms]
    return (" OR " if mode == "any" else " AND ").join(phrases)


def trial_search_columns(trial: Trial) -> dict[str, str]:
    """The text the index reads for one trial (the same columns as the `trials` table)."""
    return {
        "title": " ".join(t for t in (trial.title, trial.official_title) if t),
        "conditions": "\n".join([*trial.conditions, *trial.keywords]),
        "interventions": "\n".join(trial.interventions),
        "summary": trial.summary or "",
        "criteria": trial.eligibility_text,
    }


_BM25 = "bm25(trials_fts, {})".format(", ".join(str(w) for w in BM25_WEIGHTS))
_SQLITE_SEARCH = (
    f"SELECT t.nct_id, -{_BM25} AS score FROM trials_fts JOIN trials t ON t.id = trials_fts.rowid "
    "WHERE trials_fts MATCH :q ORDER BY score DESC, t.nct_id LIMIT :limit"
)


def _postgres_search(terms: list[list[str]], mode: Mode) -> tuple[str, dict[str, object]]:
    params: dict[str, object] = {}
    parts = []
    for i, tokens in enumerate(terms):
        params[f"t{i}"] = " ".join(tokens)
        parts.append(f"phraseto_tsquery('english', :t{i})")
    joined = (" || " if mode == "any" else " && ").join(parts)
    sql = (
        "SELECT nct_id, ts_rank_cd(search, q, 1) AS score "
        f"FROM trials, (SELECT {joined} AS q) AS query "
        "WHERE search @@ q ORDER BY score DESC, nct_id LIMIT :limit"
    )
    return sql, params


def search_store(
    engine: Engine, query: str, limit: int = 20, mode: Mode = "any"
) -> list[SearchHit]:
    """Search the trials stored in this database (SQLite FTS5 or PostgreSQL full text)."""
    dialect = engine.dialect.name
    with engine.connect() as connection:
        if dialect == "postgresql":
            terms = query_terms(query)
            if not terms:
                return []
            sql, params = _postgres_search(terms, mode)
            rows = connection.execute(text(sql), {**params, "limit": limit}).all()
        else:
            match = fts5_query(query, mode)
            if match is None:
                return []
            rows = connection.execute(text(_SQLITE_SEARCH), {"q": match, "limit": limit}).all()
    return [SearchHit(row[0], round(float(row[1]), 6)) for row in rows]


class MemoryIndex:
    """An FTS5 / BM25 index over a list of trials, in memory (no store needed)."""

    def __init__(self, trials: Iterable[Trial]) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.executescript(
            "CREATE TABLE trials (id INTEGER PRIMARY KEY, nct_id TEXT UNIQUE, title TEXT, "
            "conditions TEXT, interventions TEXT, summary TEXT, criteria TEXT);"
            "CREATE VIRTUAL TABLE trials_fts USING fts5(title, conditions, interventions, "
            "summary, criteria, content='trials', content_rowid='id', "
            "tokenize='porter unicode61');"
        )
        rows = []
        for trial in trials:
            cols = trial_search_columns(trial)
            rows.append(
                (
                    trial.nct_id,
                    cols["title"],
                    cols["conditions"],
                    cols["interventions"],
                    cols["summary"],
                    cols["criteria"],
                )
            )
        with self._db:
            self._db.executemany(
                "INSERT INTO trials (nct_id, title, conditions, interventions, summary, criteria) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            self._db.execute("INSERT INTO trials_fts(trials_fts) VALUES ('rebuild')")
        self.size = len(rows)

    def search(self, query: str, limit: int = 20, mode: Mode = "any") -> list[SearchHit]:
        match = fts5_query(query, mode)
        if match is None:
            return []
        sql = _SQLITE_SEARCH.replace(":q", "?").replace(":limit", "?")
        rows = self._db.execute(sql, (match, limit)).fetchall()
        return [SearchHit(row[0], round(float(row[1]), 6)) for row in rows]

    def scores(self, query: str, mode: Mode = "any") -> dict[str, float]:
        """Every matching trial's score for this query (for ranking a whole catalog)."""
        return {hit.nct_id: hit.score for hit in self.search(query, self.size or 1, mode)}

    def close(self) -> None:
        self._db.close()
