"""Live interview latency with the offline engines (prints figures; asserts nothing).

For N = 1, 4, 8 concurrent candidates (aiortc clients on loopback, each against its own
InterviewSession actor through Ray Serve's signalling): every client hears the opening,
answers with eSpeak speech, and gets the next question, for `--turns` answers. Prints p50/p95
voice-to-voice latency (candidate stops speaking → first AI audio frame sent, as stored with
each turn) and per-stage times (recogniser, brain, TTS to first audio), the resident memory of
each interview actor process, and the recogniser's word error rate on the answers (English
and Russian).

Run: .venv/bin/python benchmarks/voice_latency.py [--sizes 1 4 8] [--turns 2]
         [--languages en ru] [--transcripts]     (a size may repeat: one run each)
Targets (issue 4): p50 <= 800 ms at N=1, p95 <= 1500 ms at N=4, <= 250 MB per interview
actor, English WER <= 10 %.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHOW_TRANSCRIPTS = False  # --transcripts: print what the recogniser heard
ANSWERS = {
    "en": [
        "I have seven years of experience with Python and PostgreSQL.",
        "At my last job I built REST APIs with FastAPI and Docker.",
        "I usually profile first and then optimise the slowest database queries.",
    ],
    "ru": [
        "У меня семь лет опыта разработки на питоне.",
        "На последней работе я делал сервисы и базы данных.",
        "Сначала я измеряю, потом оптимизирую самые медленные запросы.",
    ],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def speaking_end(message: dict[str, Any]) -> bool:
    return message.get("type") == "ai_speaking_end"


def speaking_start(message: dict[str, Any]) -> bool:
    return message.get("type") == "ai_speaking_start"


def assistant_text(message: dict[str, Any]) -> bool:
    return message.get("type") == "transcript" and message.get("role") == "assistant"


async def one_candidate(base_url: str, token: str, audios: list[bytes]) -> None:
    from tests.e2e.voice_client import InterviewClient

    client = InterviewClient(base_url, token)
    answer = await client.connect()
    if answer["status"] != 200:
        raise RuntimeError(f"offer refused: {answer}")
    await client.wait_for(lambda m: m.get("type") == "question", timeout=120)
    for audio in audios:
        # Answer once the AI has finished asking, then wait for its next reply to be spoken.
        await client.wait_for(speaking_end, 120, since=client.last_index)
        await asyncio.sleep(0.4)
        played_at = len(client.messages)
        client.mic.play(audio)
        await client.wait_for(assistant_text, 120, since=played_at)
        await client.wait_for(speaking_start, 120, since=client.last_index)
    await asyncio.sleep(1.0)
    await client.close()


_runs = itertools.count(1)  # a workspace per run, so a size may be given more than once


def invitations(pool, settings, language: str, size: int) -> list[tuple[str, int, Any]]:  # type: ignore[no-untyped-def]
    """`size` screened candidates of one vacancy, each invited:
    (link token, interview id, workspace id)."""
    from db import resumes
    from db.pool import transaction
    from pipelines import vacancy_flow
    from pipelines.engine_set import offline_engines
    from pipelines.resume_flow import process_resume
    from serve_apps import accounts, interview_invites
    from tests.pipelines import samples

    engines = offline_engines()
    vacancy_text, resume_text = {
        "en": (samples.VACANCY_EN, samples.STRONG_EN),
        "ru": (samples.VACANCY_RU, samples.RU_ANALYST),
    }[language]
    workspace = accounts.create_workspace(
        pool, name=f"bench {language} {size} run {next(_runs)}", owner_id=None
    )
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=vacancy_text
    )
    made = []
    for i in range(size):
        text = resume_text.replace("@", f"+{i}@").replace("0101", f"{i:04d}")
        with transaction(pool, workspace_id=workspace.id) as conn:
            rid = resumes.create_resume(
                conn, workspace_id=workspace.id, file=text.encode(), file_name=f"{i}.txt"
            ).id
        outcome = process_resume(
            pool, engines, workspace_id=workspace.id, resume_id=rid, vacancy_id=vacancy.id
        )
        invitation = interview_invites.invite(
            pool, settings, workspace_id=workspace.id, application_id=outcome.application_id
        )
        token = invitation.link.rsplit("/interview/", 1)[1]
        made.append((token, invitation.interview.id, workspace.id))
    return made


def collect(pool, made: list[tuple[str, int, Any]], language: str) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    """Latency figures and word error rates from the stored turns."""
    from db import turns
    from db.pool import transaction
    from tests.pipelines.engines.audio import word_error_rate

    figures: dict[str, list[float]] = {"v2v": [], "stt": [], "llm": [], "tts": [], "wer": []}
    for _, interview_id, workspace_id in made:
        with transaction(pool, workspace_id=workspace_id) as conn:
            rows = turns.list_turns(conn, interview_id=interview_id)
        answers = [r for r in rows if r.role == "candidate"]
        for reference, answer in zip(ANSWERS[language], answers, strict=False):
            figures["wer"].append(word_error_rate(reference, answer.text))
            if SHOW_TRANSCRIPTS:
                print(f"    heard: {answer.text!r}")
            if answer.stt_ttfb_ms is not None:
                figures["stt"].append(answer.stt_ttfb_ms)
        for turn in rows:
            if turn.voice_to_voice_ms is not None:
                figures["v2v"].append(turn.voice_to_voice_ms)
                figures["llm"].append(turn.llm_ttfb_ms or 0)
                figures["tts"].append(turn.tts_ttfb_ms or 0)
    return figures


def actor_memory_mb(interview_ids: list[int]) -> list[dict[str, float]]:
    """Memory of each interview actor process (RSS, PSS, USS, reported by the actor itself)."""
    import ray

    from actors.naming import NAMESPACE, interview_actor_name

    sizes = []
    for interview_id in interview_ids:
        try:
            actor = ray.get_actor(interview_actor_name(interview_id), namespace=NAMESPACE)
            sizes.append(ray.get(actor.memory.remote(), timeout=30))
        except Exception:  # an actor that died is reported by its missing figure
            pass
    return sizes


def report(
    language: str,
    size: int,
    figures: dict[str, list[float]],
    failed: int,
    memory: list[dict[str, float]],
) -> None:
    v2v = figures["v2v"]
    print(f"[{language}] N={size}: {len(v2v)} answered turns, {failed} failed clients")
    if v2v:
        p50, p95 = percentile(v2v, 0.5), percentile(v2v, 0.95)
        print(f"  voice-to-voice p50 {p50:.0f} ms, p95 {p95:.0f} ms")
        med = {k: statistics.median(figures[k]) if figures[k] else float("nan") for k in figures}
        print(
            f"  after speech end, p50: transcript {med['stt']:.0f} ms, brain {med['llm']:.0f} ms, "
            f"TTS to first audio {med['tts']:.0f} ms"
        )
    for kind in ("rss", "pss", "uss") if memory else ():
        sizes = [m[kind] for m in memory]
        print(
            f"  interview actor {kind.upper()}: max {max(sizes):.0f} MB, "
            f"mean {statistics.mean(sizes):.0f} MB"
        )
    if figures["wer"]:
        print(f"  word error rate on answers: {100 * statistics.mean(figures['wer']):.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--turns", type=int, default=2)
    parser.add_argument("--transcripts", action="store_true", help="print each recognised answer")
    parser.add_argument(
        "--languages", nargs="+", choices=("en", "ru"), default=["en", "ru"],
        help="English runs every size; Russian runs N=1",
    )  # fmt: skip
    args = parser.parse_args()
    global SHOW_TRANSCRIPTS
    SHOW_TRANSCRIPTS = args.transcripts
    home = Path(tempfile.mkdtemp(prefix="selectio-voice-bench-"))
    env = {
        "SELECTIO_HOME": str(home),
        "SELECTIO_LLM_ENGINE": "offline",
        "SELECTIO_EMBEDDING_ENGINE": "offline",
        "SELECTIO_INTERVIEW_MAX_CONCURRENT_PER_WORKSPACE": "64",
    }
    os.environ.update(env)
    import ray
    from ray import serve

    from actors.placement import INTERVIEW_SLOT
    from db.bootstrap import prepare_database
    from db.pool import open_pool
    from db.settings import Settings
    from pipelines.engines.tts_espeak import EspeakSynthesizer
    from serve_apps.ingress import ApiIngress
    from tests.conftest import free_port
    from tests.e2e.voice_client import resample

    settings = Settings(_env_file=None)
    prepared = prepare_database(settings)
    pool = open_pool(prepared.app_url, min_size=1, max_size=4)
    # As many interview places as the largest size: the benchmark measures past capacity too.
    ray.init(
        num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False,
        runtime_env={"env_vars": env}, resources={INTERVIEW_SLOT: float(max(args.sizes))},
    )  # fmt: skip
    port = free_port()
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    serve.run(ApiIngress.options(ray_actor_options={"num_cpus": 0}).bind(), name="bench")
    base_url = f"http://127.0.0.1:{port}"
    synth = EspeakSynthesizer()
    try:
        for language in args.languages:
            audios = [
                resample(synth.synthesize(text, language=language), synth.sample_rate)
                for text in ANSWERS[language][: args.turns]
            ]
            for size in args.sizes if language == "en" else [1]:
                made = invitations(pool, settings, language, size)
                results = asyncio.run(_run_all(base_url, [t for t, _, _ in made], audios))
                failed = sum(isinstance(r, Exception) for r in results)
                memory = actor_memory_mb([i for _, i, _ in made])
                report(language, size, collect(pool, made, language), failed, memory)
                for _, interview_id, _ in made:
                    try:
                        ray.kill(ray.get_actor(f"interview:{interview_id}", namespace="selectio"))
                    except ValueError:
                        pass
    finally:
        serve.shutdown()
        ray.shutdown()
        pool.close()
        prepared.close()
        shutil.rmtree(home, ignore_errors=True)


async def _run_all(base_url: str, tokens: list[str], audios: list[bytes]) -> list[Any]:
    return await asyncio.gather(
        *(one_candidate(base_url, token, audios) for token in tokens), return_exceptions=True
    )


if __name__ == "__main__":
    main()
