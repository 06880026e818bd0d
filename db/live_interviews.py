"""Interviews running now, as the recruiter's live board shows them.

"Running" is status `active`: the candidate's browser connected at least once and the
interview has not ended. An interview only invited (`created`) is not listed: nothing records
a candidate opening the link before their browser connects, and the first connection is what
makes it active. An active interview whose candidate dropped out stays listed (it can still be
resumed) with `connected` false, until it ends, is ended, or is expired as abandoned
(db.interview_expiry).

One statement for the whole list: the current question and the last latency come from the
transcript through lateral joins on the (interview_id, seq) index, not a query per interview.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import class_row

from db.interviews import HEARTBEAT_STALE_S


@dataclass(frozen=True)
class LiveInterview:
    """One running interview with its progress, clock and last voice-to-voice latency."""

    interview_id: int
    application_id: int
    candidate_id: int
    candidate_name: str
    vacancy_id: int
    vacancy_title: str
    language: str
    started_at: datetime | None
    elapsed_s: float
    question_index: int | None  # the question under way, 1-based; None before the first
    questions_total: int
    voice_to_voice_ms: int | None  # of the latest turn that has it
    heartbeat_at: datetime | None
    heartbeat_age_s: float | None
    connected: bool
    node_id: str | None


# The elapsed time is `db.interviews.Interview.elapsed_s` in SQL, on the database's clock: from
# the first start less the booked downtime; a stale heartbeat stops it at that heartbeat.
_QUERY = """
select i.id as interview_id, i.application_id, a.candidate_id,
       c.full_name as candidate_name, a.vacancy_id, v.title as vacancy_title, i.language,
       i.started_at,
       coalesce(greatest(0, extract(epoch from
           case when now() - i.heartbeat_at > make_interval(secs => %(stale_s)s)
                then i.heartbeat_at else now() end - i.started_at) - i.server_down_s),
           0)::float8 as elapsed_s,
       q.question_index + 1 as question_index,
       case when jsonb_typeof(i.plan -> 'questions') = 'array'
            then jsonb_array_length(i.plan -> 'questions') else 0 end as questions_total,
       l.voice_to_voice_ms,
       i.heartbeat_at,
       extract(epoch from now() - i.heartbeat_at)::float8 as heartbeat_age_s,
       coalesce(now() - i.heartbeat_at <= make_interval(secs => %(stale_s)s), false)
           as connected,
       i.node_id
from interviews i
join applications a on a.id = i.application_id
join candidates c on c.id = a.candidate_id
join vacancies v on v.id = a.vacancy_id
left join lateral (
    select t.question_index from interview_turns t
    where t.interview_id = i.id and t.question_index is not null
    order by t.seq desc limit 1
) q on true
left join lateral (
    select t.voice_to_voice_ms from interview_turns t
    where t.interview_id = i.id and t.voice_to_voice_ms is not null
    order by t.seq desc limit 1
) l on true
where i.status = 'active'
order by i.started_at nulls last, i.id
limit %(limit)s
"""


def list_live(conn: psycopg.Connection, *, limit: int = 200) -> list[LiveInterview]:
    """The current workspace's running interviews, longest-running first."""
    with conn.cursor(row_factory=class_row(LiveInterview)) as cur:
        cur.execute(_QUERY, {"stale_s": HEARTBEAT_STALE_S, "limit": limit})
        return cur.fetchall()
