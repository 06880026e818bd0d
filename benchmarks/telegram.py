"""WorkspaceBot figures against the fake Telegram data centre (prints figures; asserts nothing).

1. Resident memory of idle bots: `--bots` workspaces each connect an account and get their
   bot on a local Ray; once all run, each bot process's RSS and USS (its own pages) are read.
2. Incoming messages handled per second by one bot with delays off: `--messages` messages
   from `--conversations` candidates are written to its account as fast as the fake can push
   them; handled = stored once in `messages` and marked read (strangers also get one polite
   answer per chat). p95 is the time from a message's push to its row.
3. Chat interviews answered per second by one bot, delays off: `--interviews` candidates open
   their invitation's deep link (each gets the greeting and first question), then each sends
   `--answers` answers as fast as the fake pushes them; an answer is handled when the
   interviewer's next message has reached Telegram (stored as turns, queued in the outbox,
   sent by the bot). p95 is the time from an answer's push to Telegram taking the reply.
   Keep `--answers` below the interview's questions (3 is safe): an interview that ends
   answers the rest with one polite word a day, and the benchmark would wait for replies.

Run: .venv/bin/python benchmarks/telegram.py [--bots 20] [--messages 500] [--conversations 50]
     [--interviews 50] [--answers 3]
Targets (issue 14): idle bot <= 120 MB resident; >= 200 messages/s.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil
import ray
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actors.workspace_bot import workspace_bot  # noqa: E402
from db import workspaces  # noqa: E402
from db.bootstrap import prepare_database  # noqa: E402
from db.pool import open_pool, transaction  # noqa: E402
from db.settings import Settings  # noqa: E402
from pipelines.telegram.accounts import TelegramAccounts  # noqa: E402
from pipelines.telegram.deep_link import make_token  # noqa: E402
from tests.fakes.telegram.server import FakeTelegram  # noqa: E402
from tests.pipelines.screened import screened_application  # noqa: E402


def _wait(check, timeout_s: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the bots did not come up")
        time.sleep(0.2)


def _pid(actor) -> int:  # type: ignore[no-untyped-def]
    return int(ray.get(actor.status.remote())["pid"])


def _interviews(tg, pool, settings, ws, account, count: int, answers: int) -> None:  # type: ignore[no-untyped-def]
    """Figure 3 (see the module docstring)."""
    secret = settings.resolved_secret_key()
    people = []
    for i in range(count):
        application_id = screened_application(pool, ws)
        person = tg.add_user(f"Interviewee {i}")
        token = make_token(secret, ws, application_id, ttl_s=3600)
        tg.write(person, account.user_id, f"/start {token}")
        people.append(person)
    to = lambda person: sum(1 for s in tg.sent if s.to_user_id == person.user_id)  # noqa: E731
    _wait(lambda: all(to(p) >= 2 for p in people), timeout_s=300)  # greeting + first question
    replies_before = {p.user_id: to(p) for p in people}
    pushed: list[tuple[float, int, int]] = []  # (when, candidate, replies expected by then)
    sent_at: dict[tuple[int, int], float] = {}
    tg.on_sent = lambda s: sent_at.setdefault(
        (s.to_user_id, sum(1 for x in tg.sent if x.to_user_id == s.to_user_id)), time.perf_counter()
    )
    started = time.perf_counter()
    for round_ in range(answers):
        for person in people:
            tg.write(person, account.user_id, f"Answer {round_}: I built Python services on "
                     "PostgreSQL and Kafka, and led the migration to Kubernetes.")  # fmt: skip
            pushed.append((time.perf_counter(), person.user_id, round_))
    _wait(lambda: all(to(p) >= replies_before[p.user_id] + answers for p in people),
          timeout_s=600)  # fmt: skip
    elapsed = time.perf_counter() - started
    tg.on_sent = None
    lags = sorted(
        sent_at[(user, replies_before[user] + round_ + 1)] - when
        for when, user, round_ in pushed
        if (user, replies_before[user] + round_ + 1) in sent_at
    )
    total = count * answers
    print(
        f"one bot, {count} chat interviews x {answers} answers: {total / elapsed:.0f} answers/s "
        f"(each stored, answered by the interviewer, the reply sent); push-to-reply-sent p95 "
        f"{lags[int(len(lags) * 0.95) - 1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bots", type=int, default=20)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--interviews", type=int, default=50)
    parser.add_argument("--answers", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    home = Path(tempfile.mkdtemp(prefix="selectio-bench-"))
    prepared = prepare_database(Settings(home=home, _env_file=None))
    pool = open_pool(prepared.app_url, min_size=1, max_size=4)
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    try:
        with FakeTelegram() as tg:
            settings = Settings(home=home, _env_file=None).model_copy(update={
                "telegram_api_id": 1, "telegram_api_hash": SecretStr("bench"),
                "telegram_dc": tg.dc, "telegram_rsa_key": tg.public_pem,
                "telegram_typing_cps": 0.0, "telegram_quiet_hours": "0-0",
            })  # fmt: skip
            connect = TelegramAccounts(pool, settings)
            bots, accounts = [], []
            for n in range(args.bots):
                account = tg.add_account(f"+7999{n:07d}", first_name=f"Bot {n}")
                with transaction(pool) as conn:
                    ws = workspaces.create_workspace(conn, name=f"Bench {n}").id
                connect.start(ws, account.phone)
                connect.submit_code(ws, account.code)
                bots.append((ws, workspace_bot(ws, settings=settings, app_url=prepared.app_url,
                                               run_analysis=False)))  # fmt: skip
                accounts.append(account)
            _wait(lambda: all(ray.get(b.status.remote())["state"] == "running" for _, b in bots))
            time.sleep(3)  # settle: imports done, first passes over
            rss, uss = [], []
            for _, bot in bots:
                memory = psutil.Process(_pid(bot)).memory_full_info()
                rss.append(memory.rss / 2**20)
                uss.append(memory.uss / 2**20)
            print(f"idle bots: {len(bots)}")
            print(f"  RSS per bot: median {statistics.median(rss):.0f} MB, max {max(rss):.0f} MB")
            print(f"  USS per bot (its own pages): median {statistics.median(uss):.0f} MB, "
                  f"max {max(uss):.0f} MB; {sum(uss):.0f} MB for all {len(bots)}")  # fmt: skip

            ws, bot = bots[0]
            people = [tg.add_user(f"Candidate {i}") for i in range(args.conversations)]
            pushed: dict[int, float] = {}
            started = time.perf_counter()
            for i in range(args.messages):
                sender = people[i % len(people)]
                message_id = tg.write(sender, accounts[0].user_id, f"message {i}")
                pushed[message_id] = time.perf_counter()
            seen: dict[int, float] = {}

            def stored() -> bool:
                with transaction(pool, workspace_id=ws) as conn:
                    rows = conn.execute(
                        "select external_id::int, created_at from messages "
                        "where direction = 'inbound'"
                    ).fetchall()
                now = time.perf_counter()
                for external_id, _ in rows:
                    seen.setdefault(external_id, now)
                return len(rows) >= args.messages

            _wait(stored, timeout_s=300)
            elapsed = time.perf_counter() - started
            lag = sorted(seen[m] - pushed[m] for m in pushed if m in seen)
            print(
                f"one bot, {args.messages} messages from {args.conversations} conversations: "
                f"{args.messages / elapsed:.0f} messages/s; push-to-stored p95 "
                f"{lag[int(len(lag) * 0.95) - 1] * 1000:.0f} ms (polled every 0.2 s)"
            )
            _interviews(tg, pool, settings, ws, accounts[0], args.interviews, args.answers)
    finally:
        ray.shutdown()
        pool.close()
        prepared.close()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
