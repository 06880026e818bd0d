"""The offline interviewer brain: whole interviews driven by scripted answers in both languages,
progress, silences, time limits, spoken length of every phrase, and restore() after a crash."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from pipelines.interviewer import BrainReply, InterviewBrain, PastTurn, Persona, choose_next, texts
from pipelines.models import InterviewPlan
from tests.pipelines.interviewer import GOOD_EN, GOOD_RU, plan_en, plan_ru

PERSONA = Persona(company="Acme")
FOOTBALL_RU = (
    "Я люблю играть в футбол по выходным с друзьями и семьёй, это помогает отдыхать и "
    "восстанавливать силы"
)
SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")

# One event per call: ("answer", text, elapsed_s), ("silence", silent_s, elapsed_s), ("end",).
Event = tuple[Any, ...]


def brain_for(language: str, **kwargs: Any) -> InterviewBrain:
    plan = plan_ru() if language == "ru" else plan_en()
    options: dict[str, Any] = {
        "language": language,
        "persona": PERSONA,
        "candidate_name": "Анна Смирнова" if language == "ru" else "Anna Smirnova",
        "vacancy_title": "Backend Developer",
    }
    return InterviewBrain(plan, **{**options, **kwargs})


def play(brain: InterviewBrain, event: Event) -> BrainReply:
    if event[0] == "answer":
        return brain.on_answer(event[1], elapsed_s=event[2])
    if event[0] == "silence":
        return brain.on_silence(event[1], elapsed_s=event[2])
    return brain.on_end_requested()


def assert_speakable(text: str) -> None:
    assert text.strip(), "empty utterance"
    assert len(SENTENCE_END.findall(text)) <= 2, text
    assert len(text.split()) <= 35, text


def spoken(replies: list[BrainReply]) -> list[str]:
    """The utterances that are ours (not the plan's question texts)."""
    return [u.text for r in replies for u in r.utterances if u.kind not in ("question", "repeat")]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_full_interview_with_good_answers(language: str) -> None:
    brain = brain_for(language)
    good = GOOD_RU if language == "ru" else GOOD_EN
    opening = brain.opening()
    assert opening.kinds == ["greeting", "greeting", "greeting", "question"]
    assert opening.utterances[-1].text == brain.plan.questions[0].text
    assert opening.progress == (1, 8) and not opening.done

    replies = [opening]
    for i, answer in enumerate(good):
        reply = brain.on_answer(answer, elapsed_s=120.0 * (i + 1))
        replies.append(reply)
        if i < 7:
            assert reply.kinds == ["acknowledgement", "question"], (i, reply)
            assert reply.utterances[0].question_index == i
            assert reply.utterances[1].question_index == i + 1
            assert reply.utterances[1].text == brain.plan.questions[i + 1].text
            assert reply.progress == (i + 2, 8)
        else:
            assert set(reply.kinds) == {"closing"} and reply.done
    acks = [u.text for r in replies for u in r.utterances if u.kind == "acknowledgement"]
    assert len(acks) == 7
    assert all(a != b for a, b in zip(acks, acks[1:], strict=False)), acks
    assert len(set(acks)) >= 5  # varied, not the same two phrases
    assert "And now the last question." in acks[-1] or "И последний вопрос." in acks[-1]
    for text in spoken(replies):
        assert_speakable(text)

    assert brain.done and brain.progress == (8, 8)
    expected = {
        "en": "8 of 8 questions answered, 0 follow-ups",
        "ru": "Отвечено вопросов: 8 из 8; уточняющих вопросов: 0",
    }
    assert brain.summary == expected[language]
    after = brain.on_answer("one more thing", elapsed_s=1000)
    assert after.utterances == [] and after.done
    assert brain.on_silence(30, elapsed_s=1000).utterances == []
    assert brain.on_end_requested().utterances == []


def test_scripted_interview_en() -> None:
    brain = brain_for("en")
    q = brain.plan.questions
    brain.opening()

    reply = brain.on_answer(GOOD_EN[0], elapsed_s=100)
    assert reply.kinds == ["acknowledgement", "question"] and reply.progress == (2, 8)

    # A thin answer to a technical question: one follow-up about its topic, then move on.
    reply = brain.on_answer("Yes, I have used it.", elapsed_s=150)
    assert reply.kinds == ["follow_up"] and reply.progress == (2, 8)
    assert "Python" in reply.text and reply.text.endswith("?")
    reply = brain.on_answer("Not much to add, it was fine.", elapsed_s=180)
    assert reply.kinds == ["acknowledgement", "question"]
    assert reply.utterances[1].text == q[2].text
    assert reply.progress == (3, 8)  # "3/8"
    assert brain.current_question == q[2]

    # "Say that again" repeats the question and is not an answer.
    reply = brain.on_answer("Sorry, can you say that again?", elapsed_s=200)
    assert reply.kinds == ["repeat"] and q[2].text in reply.text
    assert reply.progress == (3, 8)
    reply = brain.on_answer(GOOD_EN[2], elapsed_s=300)
    assert reply.progress == (4, 8)

    # Silence: too short → nothing; long → a gentle nudge; long again → the next question.
    assert brain.on_silence(4, elapsed_s=310).utterances == []
    reply = brain.on_silence(12, elapsed_s=322)
    assert reply.kinds == ["nudge"]
    assert "Take your time, Anna" in reply.text and "repeat" in reply.text
    assert brain.on_silence(6, elapsed_s=330).utterances == []
    reply = brain.on_silence(12, elapsed_s=340)
    assert reply.kinds == ["acknowledgement", "question"] and reply.progress == (5, 8)
    assert "move on" in reply.utterances[0].text or "next one" in reply.utterances[0].text

    # "I don't know" is met kindly, without a follow-up.
    reply = brain.on_answer("I don't know", elapsed_s=380)
    assert reply.kinds == ["acknowledgement", "question"] and reply.progress == (6, 8)
    assert reply.utterances[0].text in texts.ACKNOWLEDGEMENTS["dont_know"]["en"]

    reply = brain.on_answer(GOOD_EN[5], elapsed_s=500)
    assert reply.progress == (7, 8)

    # End pressed: thanks, what happens next, goodbye.
    reply = brain.on_end_requested()
    assert reply.done and set(reply.kinds) == {"closing"}
    assert "Thank you for the interview, Anna!" in reply.text
    assert "Acme team will review your answers" in reply.text
    assert reply.utterances[-1].text == "Have a great day, goodbye!"
    assert reply.progress == (7, 8)
    assert brain.summary == "4 of 8 questions answered, 1 follow-up, 1 not asked"


def test_scripted_interview_ru() -> None:
    brain = brain_for("ru")
    q = brain.plan.questions
    brain.opening()

    reply = brain.on_answer("Повторите, пожалуйста", elapsed_s=20)
    assert reply.kinds == ["repeat"] and reply.text == f"Конечно, повторю: {q[0].text}"
    reply = brain.on_answer(GOOD_RU[0], elapsed_s=100)
    assert reply.progress == (2, 8)

    # Off the topic: a gentle redirect (the question's one follow-up), then move on.
    reply = brain.on_answer(FOOTBALL_RU, elapsed_s=160)
    assert reply.kinds == ["redirect"] and "«Python»" in reply.text
    reply = brain.on_answer(FOOTBALL_RU, elapsed_s=200)
    assert reply.kinds == ["acknowledgement", "question"] and reply.progress == (3, 8)

    # "Можно следующий вопрос?" skips.
    reply = brain.on_answer("Можно следующий вопрос?", elapsed_s=220)
    assert reply.kinds == ["acknowledgement", "question"] and reply.progress == (4, 8)
    assert reply.utterances[0].text in texts.ACKNOWLEDGEMENTS["skip"]["ru"]

    # An answer that came through empty: "didn't catch that", then the next question.
    reply = brain.on_answer("", elapsed_s=240)
    assert reply.kinds == ["nudge"] and "не было слышно" in reply.text
    reply = brain.on_answer("  ", elapsed_s=260)
    assert reply.kinds == ["acknowledgement", "question"] and reply.progress == (5, 8)

    reply = brain.on_answer("Честно говоря, не знаю", elapsed_s=280)
    assert reply.kinds == ["acknowledgement", "question"] and reply.progress == (6, 8)
    assert "ничего страшного" in reply.utterances[0].text.lower() or "нормально" in reply.text

    for i, elapsed in ((5, 400), (6, 500)):
        reply = brain.on_answer(GOOD_RU[i], elapsed_s=elapsed)
    assert reply.progress == (8, 8) and "И последний вопрос." in reply.utterances[0].text
    reply = brain.on_answer(GOOD_RU[7], elapsed_s=600)
    assert reply.done
    assert reply.text.startswith("Спасибо за интервью, Анна! Команда Acme изучит ваши ответы")
    assert brain.summary == "Отвечено вопросов: 5 из 8; уточняющих вопросов: 1"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_greeting(language: str) -> None:
    reply = brain_for(language).opening()
    greeting = " ".join(u.text for u in reply.utterances if u.kind == "greeting")
    if language == "en":
        assert greeting.startswith("Hello, Anna! I'm Stephanie, a virtual interviewer at Acme.")
        assert "Backend Developer" in greeting and "8 questions" in greeting
        assert "about 22 minutes" in greeting and "repeat" in greeting
    else:
        assert greeting.startswith("Здравствуйте, Анна! Меня зовут Стефани")
        assert "компании Acme" in greeting and "«Backend Developer»" in greeting
        assert "8 вопросов" in greeting and "около 22 минут" in greeting
    for u in reply.utterances[:-1]:
        assert_speakable(u.text)

    anonymous = InterviewBrain(plan_en(), language="en").opening()
    assert anonymous.utterances[0].text == "Hello! I'm Stephanie, a virtual interviewer."
    assert anonymous.utterances[1].text.startswith("I'll ask you 8 questions")


def test_every_phrase_is_speakable() -> None:
    name, topic = "Александра", "Gap: Machine Learning"
    for language in ("en", "ru"):
        lines = texts.greeting(
            language,
            persona="Стефани",
            name=name,
            company="Very Long Company Name",
            vacancy="Senior Backend Developer",
            questions=8,
            minutes=30,
        )
        lines.append(texts.welcome_back(language, name=name, number=3, total=8))
        for pool in texts.ACKNOWLEDGEMENTS:
            for n in range(8):
                lines.append(
                    texts.acknowledgement(language, pool, count=n, previous=None, name=name)
                    + " "
                    + texts.LAST_QUESTION[language]
                )
        lines += [
            texts.follow_up(language, topic, v, skill=s) for v in range(3) for s in (True, False)
        ]
        lines.append(texts.redirect(language, topic))
        lines += [texts.nudge(language, name=name, heard_nothing=h) for h in (True, False)]
        for reason in ("complete", "time_up", "ended"):
            lines += texts.closing(language, reason, name=name, company="Acme")
        for line in lines:
            assert "{" not in line and "}" not in line, line
            assert_speakable(line)


def test_names_and_topics() -> None:
    assert texts.first_name("Anna Smirnova") == "Anna"
    assert texts.first_name("Смирнова Анна Игоревна") == "Анна"
    assert texts.first_name("Петров Иван") == "Иван"
    assert texts.first_name("Марина Ильина") == "Марина"
    assert texts.first_name("Лев Толстой") == "Лев"
    assert texts.first_name("  ") is None and texts.first_name(None) is None
    assert texts.topic_phrase("Gap: Kafka") == "Kafka"
    assert texts.topic_phrase("Пробел: опыт") == "опыт"
    assert texts.topic_phrase("Work experience") == "work experience"
    assert texts.topic_phrase("Machine Learning") == "Machine Learning"
    assert texts.topic_phrase("SQL") == "SQL"


def test_follow_ups_name_skills_but_not_categories() -> None:
    brain = brain_for("en")
    brain.opening()
    reply = brain.on_answer("Yes, I have done that.", elapsed_s=30)  # work experience
    assert reply.kinds == ["follow_up"] and "experience" in reply.text
    assert "work experience" not in reply.text
    brain.on_answer(GOOD_EN[0], elapsed_s=100)
    reply = brain.on_answer("Yes, I have used it.", elapsed_s=130)  # Python
    assert reply.kinds == ["follow_up"] and "Python" in reply.text


def test_max_duration_closes() -> None:
    brain = brain_for("en", max_duration_s=600)
    brain.opening()
    brain.on_answer(GOOD_EN[0], elapsed_s=100)
    reply = brain.on_answer(GOOD_EN[1], elapsed_s=600)
    assert reply.done and set(reply.kinds) == {"closing"}
    assert reply.utterances[0].text == "We're almost out of time, so let's stop here."
    assert "review your answers" in reply.text

    silent = brain_for("ru", max_duration_s=600)
    silent.opening()
    reply = silent.on_silence(3, elapsed_s=601)
    assert reply.done and reply.utterances[0].text.startswith("Наше время подходит к концу")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_time_running_out_says_so_whatever_the_candidate_is_doing(language: str) -> None:
    brain = brain_for(language, max_duration_s=600)
    brain.opening()
    reply = brain.on_time_up()
    assert reply.done and set(reply.kinds) == {"closing"}
    assert reply.utterances[0].text == texts.CLOSE_REASON["time_up"][language]
    assert brain.on_time_up().utterances == []  # closed once


def test_a_candidate_back_after_the_time_is_up_hears_the_closing_not_a_question() -> None:
    brain = brain_for("en", max_duration_s=600)
    brain.opening()
    brain.on_answer(GOOD_EN[0], elapsed_s=100)
    restored = InterviewBrain.restore(
        brain.plan, brain.turns, language="en", persona=PERSONA, max_duration_s=600
    )
    late = restored.opening(elapsed_s=650)
    assert late.done and set(late.kinds) == {"closing"}
    assert late.utterances[0].text == "We're almost out of time, so let's stop here."
    on_time = InterviewBrain.restore(
        brain.plan, brain.turns, language="en", persona=PERSONA, max_duration_s=600
    ).opening(elapsed_s=300)
    assert on_time.kinds == ["greeting", "question"] and not on_time.done


def test_choose_next_keeps_one_question_per_criterion() -> None:
    plan = plan_en()  # criteria: exp, tech, tech, tech, exp, ps, comm, fit
    assert choose_next(plan, {0}, 0, 5000) == (1, False)
    # 800 s left for 1170 s of budgets: the later duplicate criteria go first.
    nxt, cut = choose_next(plan, {0}, 0, 800)
    assert (nxt, cut) == (1, True)
    assert choose_next(plan, {0, 1, 2, 3, 4}, 4, 480) == (5, False)
    # Every criterion once: communication, then culture fit give way to the scenario.
    assert choose_next(plan, {0, 1, 2, 3, 4}, 4, 300) == (5, True)
    assert choose_next(plan, {0, 1, 2, 3, 4}, 4, 360) == (5, True)
    assert choose_next(plan, {0, 1, 2, 3, 4, 5}, 5, 130) == (7, True)
    assert choose_next(plan, set(range(7)), 6, 60) == (None, True)
    assert choose_next(plan, set(range(8)), 7, 900) == (None, False)


def test_short_time_skips_questions_but_covers_every_criterion() -> None:
    brain = brain_for("en", max_duration_s=900)
    brain.opening()
    elapsed, asked = 0.0, [0]
    while not brain.done:
        elapsed += 110
        reply = brain.on_answer(GOOD_EN[brain.progress[0] - 1], elapsed_s=elapsed)
        asked += [u.question_index for u in reply.utterances if u.kind == "question"]
    plan = brain.plan
    assert len(asked) < 8 and asked == sorted(asked)
    assert {plan.questions[i].criterion for i in asked} == {
        "technical_skills",
        "experience_relevance",
        "communication",
        "problem_solving",
        "cultural_fit",
    }
    assert elapsed <= 900
    assert "not asked" in brain.summary


def test_no_follow_up_when_it_would_not_fit() -> None:
    brain = brain_for("en")
    brain.opening()
    brain.on_answer(GOOD_EN[0], elapsed_s=100)
    remaining = sum(q.time_budget_s for q in brain.plan.questions[2:])
    reply = brain.on_answer("Yes, I have used it.", elapsed_s=1800 - remaining - 10)
    assert reply.kinds == ["acknowledgement", "question"]
    assert reply.utterances[0].text in texts.ACKNOWLEDGEMENTS["noted"]["en"]


def test_answer_before_the_greeting_gets_the_greeting() -> None:
    brain = brain_for("en")
    reply = brain.on_answer("Hello?", elapsed_s=2)
    assert reply.kinds[0] == "greeting" and reply.kinds[-1] == "question"
    assert reply.progress == (1, 8)


# --- restore -------------------------------------------------------------------------------

SCRIPT_EN: list[Event] = [
    ("answer", GOOD_EN[0], 90),
    ("answer", "Yes, I have used it.", 130),
    ("answer", "Could you repeat the question please", 140),
    ("answer", "Not much to add, it was fine.", 170),
    ("silence", 12, 190),
    ("answer", "Pardon?", 200),
    ("silence", 11, 215),
    ("silence", 16, 232),
    ("answer", "I don't know", 260),
    ("answer", "", 270),
    ("answer", GOOD_EN[4], 330),
    ("answer", "Let's skip this one", 340),
    ("answer", GOOD_EN[6], 420),
    ("answer", "Okay", 450),
    ("answer", "Okay then", 470),
    ("end",),
]
SCRIPT_RU: list[Event] = [
    ("answer", GOOD_RU[0], 90),
    ("answer", "Да, сталкивался.", 130),
    ("answer", GOOD_RU[1], 200),
    ("answer", "Не расслышал вопрос", 210),
    ("answer", GOOD_RU[2], 300),
    ("answer", FOOTBALL_RU, 310),
    ("silence", 12, 320),
    ("silence", 20, 340),
    ("answer", "Можно следующий вопрос?", 350),
    ("answer", "Не знаю", 360),
    ("answer", GOOD_RU[6], 450),
    ("answer", GOOD_RU[7], 520),
]


def _run(brain: InterviewBrain, script: list[Event]) -> tuple[list[BrainReply], list[list]]:
    """Replies to each event, and the stored turns before each event (and at the end)."""
    replies, turns_before = [], []
    for event in script:
        turns_before.append(brain.turns)
        replies.append(play(brain, event))
    turns_before.append(brain.turns)
    return replies, turns_before


@pytest.mark.parametrize(
    ("language", "script", "max_duration_s"),
    [("en", SCRIPT_EN, 1800), ("ru", SCRIPT_RU, 1800), ("en", SCRIPT_EN, 480)],
)
@pytest.mark.parametrize("store_kinds", [True, False])
def test_restore_at_any_point_behaves_like_no_crash(
    language: str, script: list[Event], max_duration_s: int, store_kinds: bool
) -> None:
    kwargs: dict[str, Any] = {
        "language": language,
        "persona": PERSONA,
        "candidate_name": "Anna Smirnova",
        "vacancy_title": "Backend Developer",
        "max_duration_s": max_duration_s,
    }
    plan: InterviewPlan = plan_ru() if language == "ru" else plan_en()
    whole = InterviewBrain(plan, **kwargs)
    whole.opening()
    replies, turns_before = _run(whole, script)
    assert whole.done
    for cut in range(len(script) + 1):
        stored = turns_before[cut]
        if not store_kinds:  # a store without a kind column: the brain infers the kinds
            stored = [replace(t, kind=None) for t in stored]
        restored = InterviewBrain.restore(plan, stored, **kwargs)
        assert restored.turns == turns_before[cut], f"cut {cut}: kinds differ"
        rest, _ = _run(restored, script[cut:])
        assert rest == replies[cut:], f"cut {cut}"
        assert restored.turns == whole.turns
        assert restored.summary == whole.summary and restored.done


def test_restored_opening_welcomes_back() -> None:
    brain = brain_for("en")
    brain.opening()
    for i in range(2):
        brain.on_answer(GOOD_EN[i], elapsed_s=100 * (i + 1))
    restored = InterviewBrain.restore(
        brain.plan,
        brain.turns,
        language="en",
        persona=PERSONA,
        candidate_name="Anna Smirnova",
    )
    assert restored.progress == (3, 8) and not restored.done
    reply = restored.opening()
    assert reply.kinds == ["greeting", "question"]
    assert reply.utterances[0].text == "Welcome back, Anna! Let's continue with question 3 of 8."
    assert reply.utterances[1].text == brain.plan.questions[2].text
    # After the welcome back the conversation goes on where it stopped.
    reply = restored.on_answer(GOOD_EN[2], elapsed_s=400)
    assert reply.progress == (4, 8)


def test_restore_edge_cases() -> None:
    plan = plan_en()
    fresh = InterviewBrain.restore(plan, [], language="en")
    assert fresh.progress == (0, 8)
    assert fresh.opening().kinds[0] == "greeting"

    brain = brain_for("en")
    brain.opening()
    brain.on_end_requested()
    finished = InterviewBrain.restore(plan, brain.turns, language="en")
    assert finished.done
    assert finished.opening().utterances == [] and finished.opening().done

    # Rows the voice pipeline writes as "system" notes are not part of the conversation.
    noisy = [PastTurn("system", "pipeline restarted", None), *brain.turns[:4]]  # type: ignore[arg-type]
    assert InterviewBrain.restore(plan, noisy, language="en").progress == (1, 8)
