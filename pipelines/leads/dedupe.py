"""Duplicate leads: the same vacancy found on two boards, or found again after it was handled.

Two leads are the same when their company and title normalise to the same key (case,
punctuation, legal forms such as LLC / ООО and work-format words such as "Remote" dropped;
seniority kept: a Senior and a Middle opening are two leads) and their texts are close: the
cosine of their embeddings when both vectors carry the same `embedding_engine` label (the
engine, and what of the lead it encodes: qualify.py), else the Jaccard similarity of their
descriptions' word 3-shingles. A lead repeats the earliest such lead of its workspace,
whatever its source and status (a vacancy answered last month is not a new lead).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import psycopg

from db.bench import as_array
from db.leads import Lead
from pipelines.engines.embeddings import tokenize

COSINE_MIN = 0.9
JACCARD_MIN = 0.6
_WORD = re.compile(r"[^\W_]+[+#]*")
_LEGAL_FORMS = frozenset(
    "llc ltd limited inc incorporated corp corporation co company gmbh ag plc sa bv nv oy ab "
    "llp lp pte pty srl sas sarl spa kg ug sro zoo sp ооо оао зао пао ао ип тоо чп пп ук гк "
    "the".split()
)
_TITLE_SYNONYMS = {
    "sr": "senior", "jr": "junior", "mid": "middle", "dev": "developer", "developers": "developer",
    "engineers": "engineer", "eng": "engineer", "разработчика": "разработчик",
    "разработчиков": "разработчик", "программиста": "программист",
}  # fmt: skip
# Words boards add to the same vacancy's title: where and how, not what.
_FORMAT_WORDS = frozenset(
    "remote удаленно удаленка удаленная удаленный hybrid гибрид гибридный office офис relocation "
    "релокация fulltime parttime вакансия vacancy job hiring".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold().replace("ё", "е").replace(".", ""))


def normalize_company(name: str | None) -> str:
    """The company as compared: lower case, no punctuation, no legal form ("ООО «Ромашка»" and
    "Romashka LLC" stay different, "Acme, Inc." and "ACME" do not)."""
    words = _words(name or "")
    kept = [w for w in words if w not in _LEGAL_FORMS]
    return " ".join(kept or words)


def normalize_title(title: str | None) -> str:
    """The title as compared: lower case, no punctuation, common abbreviations spelled out,
    work-format words dropped, seniority kept."""
    words = [_TITLE_SYNONYMS.get(w, w) for w in _words(title or "")]
    return " ".join(w for w in words if w not in _FORMAT_WORDS)


def dedupe_key(company: str | None, title: str | None) -> str | None:
    """ "company|title" normalised; None when either is missing (nothing to compare by)."""
    company_key, title_key = normalize_company(company), normalize_title(title)
    if not company_key or not title_key:
        return None
    return f"{company_key}|{title_key}"


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    """Word `size`-shingles of the content words (single words for very short texts)."""
    words = tokenize(text)
    if len(words) < size:
        return {(w,) for w in words}
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: str, b: str) -> float:
    """Jaccard similarity of two texts' shingles; two empty texts are the same (1.0)."""
    sa, sb = shingles(a), shingles(b)
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


def _cosine(a: Sequence[float] | np.ndarray, b: Any) -> float:
    va, vb = as_array(a).astype(np.float64), as_array(b).astype(np.float64)
    na, nb = float(np.linalg.norm(va)), float(np.linalg.norm(vb))
    return 0.0 if na == 0.0 or nb == 0.0 else float(va @ vb) / (na * nb)


def find_duplicate(
    conn: psycopg.Connection,
    lead: Lead,
    vector: Sequence[float] | np.ndarray | None,
    *,
    engine: str | None = None,
) -> int | None:
    """The earliest lead of the workspace found before this one that this one repeats, else
    None. Only earlier leads count, so two copies analysed at the same time can never archive
    each other: the first found always stays.

    `engine` names the embedder of `vector` (default: the engine stored with the lead). Leads
    already marked as duplicates are skipped: a chain always points at the first lead."""
    key = lead.dedupe_key or dedupe_key(lead.company, lead.title)
    if key is None:
        return None
    if engine is None and vector is not None:
        row = conn.execute("select embedding_engine from leads where id = %s", (lead.id,))
        found = row.fetchone()
        engine = found[0] if found else None
    rows = conn.execute(
        """
        select id, embedding, embedding_engine, description from leads
        where dedupe_key = %s and id < %s and duplicate_of is null
        order by created_at, id
        """,
        (key, lead.id),
    ).fetchall()
    for other_id, other_vector, other_engine, description in rows:
        if vector is not None and other_vector is not None and engine and engine == other_engine:
            if _cosine(vector, other_vector) >= COSINE_MIN:
                return other_id
        elif jaccard(lead.description, description) >= JACCARD_MIN:
            return other_id
    return None
