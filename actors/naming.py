"""Actor names and options, in one place.

Interview actors are named `interview:{id}` in the `selectio` namespace and fetched with
`get_if_exists`, so every Serve replica reaches the same actor. They are detached (a Serve
replica restart must not kill a live interview) and restart without limit: a restarted actor
rebuilds from Postgres and fences its predecessor with a new epoch. Calls are never retried
by Ray (`max_task_retries=0`): an offer is not idempotent, the client reconnects instead.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

NAMESPACE = "selectio"
CALL_TIMEOUT_S = 30.0
# glibc gives each thread that allocates its own 64 MB malloc arena; an interview actor runs
# a dozen threads (WebRTC, ONNX, database, Ray) whose arenas fragment and hold memory. Two
# arenas keep its resident memory down at no measurable cost in latency.
INTERVIEW_ACTOR_ENV = {"MALLOC_ARENA_MAX": "2"}


def interview_actor_name(interview_id: int) -> str:
    return f"interview:{interview_id}"


def interview_session(workspace_id: UUID, interview_id: int) -> Any:
    """The interview's actor handle, created on first use where a slot is free
    (actors.placement); raises `InterviewUnavailable("at_capacity")` when none is."""
    import ray

    from actors.interview_session import InterviewSession
    from actors.placement import interview_actor_placement

    name = interview_actor_name(interview_id)
    try:
        return ray.get_actor(name, namespace=NAMESPACE)
    except ValueError:
        pass  # not running: create it (a racing creator gets the same actor by name)
    return InterviewSession.options(
        name=name,
        namespace=NAMESPACE,
        get_if_exists=True,
        lifetime="detached",
        max_restarts=-1,
        max_task_retries=0,
        num_cpus=0,
        max_concurrency=64,
        runtime_env={"env_vars": INTERVIEW_ACTOR_ENV},
        **interview_actor_placement(),
    ).remote(str(workspace_id), interview_id)
