"""Answer heuristics: requests to repeat or skip, "I don't know", and answer quality."""

from __future__ import annotations

import pytest

from pipelines.interviewer.answers import (
    answer_quality,
    classify_intent,
    is_dont_know,
    is_repeat_request,
    is_skip_request,
    overlap,
    words,
)

DJANGO_EN = "Django How have you found and fixed N+1 queries in the Django ORM?"
DJANGO_RU = "Django Как вы находили и устраняли проблему N+1 запросов в Django ORM?"


@pytest.mark.parametrize(
    "text",
    [
        "Повторите, пожалуйста",
        "повторите вопрос",
        "Извините, не расслышал",
        "Простите, я не расслышала вопрос",
        "Можете повторить?",
        "Не понял вопрос",
        "Ещё раз, пожалуйста",
        "Can you say that again?",
        "Sorry, could you repeat the question?",
        "Repeat please",
        "I didn't catch that",
        "Pardon?",
    ],
)
def test_repeat_requests(text: str) -> None:
    assert is_repeat_request(text)
    assert classify_intent(text) == "repeat"


@pytest.mark.parametrize(
    "text",
    [
        "We repeat the deployment weekly",
        "Я повторно использовал этот модуль в трёх сервисах",
        "Our CI repeats flaky tests twice before failing the build and we track them in Grafana "
        "with a separate dashboard, could you repeat that trick?",
        "Я работал с Django пять лет",
    ],
)
def test_not_repeat_requests(text: str) -> None:
    assert not is_repeat_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "Можно следующий вопрос?",
        "Давайте дальше",
        "Пропустим этот вопрос",
        "Не хочу на это отвечать",
        "Skip",
        "Let's move on",
        "Next question, please",
        "I'd rather not answer that",
    ],
)
def test_skip_requests(text: str) -> None:
    assert is_skip_request(text)
    assert classify_intent(text) == "skip"


def test_skip_words_inside_an_answer_are_an_answer() -> None:
    assert not is_skip_request("Мы пропустили дедлайн на два дня из-за миграции базы данных")
    assert not is_skip_request("Then we decided to move on to Kafka for the event bus")


@pytest.mark.parametrize(
    "text",
    [
        "Не знаю",
        "Честно говоря, не знаю, никогда с этим не сталкивался",
        "С Kafka не работала",
        "Понятия не имею",
        "I don't know",
        "I do not know, sorry",
        "No idea, I have never worked with it",
        "I'm not sure",
    ],
)
def test_dont_know(text: str) -> None:
    assert is_dont_know(text)
    assert classify_intent(text) == "dont_know"


@pytest.mark.parametrize(
    "text",
    [
        "I don't know much about Kafka, but we used RabbitMQ for all our queues",
        "Не знаю точно, но думаю, что GIL мешает потокам выполнять байткод параллельно",
        "I know Django very well",
    ],
)
def test_hedged_answers_are_answers(text: str) -> None:
    assert not is_dont_know(text)
    assert classify_intent(text) == "answer"


@pytest.mark.parametrize("text", ["", "   ", "эээ", "Um… uh", "..."])
def test_empty(text: str) -> None:
    assert classify_intent(text) == "empty"
    assert answer_quality(text, DJANGO_EN, "en") == "empty"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Yes, I have used it.", "en"),
        ("Да, сталкивался.", "ru"),
        ("Ну, всё было нормально, работал как обычно", "ru"),
        ("It was fine, I did various things there, usually good stuff", "en"),
        ("I don't know", "en"),
    ],
)
def test_thin(text: str, language: str) -> None:
    assert answer_quality(text, DJANGO_EN, language) == "thin"  # type: ignore[arg-type]


def test_technical_answers_need_specifics() -> None:
    vague_en = "Yes, I used Django a lot in my projects"
    vague_ru = "Да, использовал Django во многих проектах, всё работало"
    assert answer_quality(vague_en, DJANGO_EN, "en", technical=True) == "thin"
    assert answer_quality(vague_ru, DJANGO_RU, "ru", technical=True) == "thin"
    # The same words are enough for a question that is not technical.
    assert answer_quality(vague_en, DJANGO_EN, "en") == "substantive"
    # A number, an example or another named tool is specific.
    assert answer_quality(vague_en + " with Celery", DJANGO_EN, "en", technical=True) == (
        "substantive"
    )
    assert (
        answer_quality("В прошлом проекте добавил select_related", DJANGO_RU, "ru", technical=True)
        == "substantive"
    )
    assert (
        answer_quality("We cut 300 queries per page down to three", DJANGO_EN, "en", technical=True)
        == "substantive"
    )


def test_off_topic() -> None:
    football_en = (
        "I really like playing football on weekends with my friends and family, it helps me "
        "relax and recharge after a long week"
    )
    football_ru = (
        "Я люблю играть в футбол по выходным с друзьями и семьёй, это помогает отдыхать и "
        "восстанавливать силы"
    )
    assert answer_quality(football_en, DJANGO_EN, "en", technical=True) == "off_topic"
    assert answer_quality(football_ru, DJANGO_RU, "ru", technical=True) == "off_topic"


def test_answers_about_work_are_never_off_topic() -> None:
    # Soft questions share few words with good answers; work vocabulary keeps them on topic.
    topic = "Опыт работы Расскажите о вашей последней работе: какие задачи вы решали?"
    answer = (
        "Три года была бэкенд-разработчиком в финтехе, делала платёжный сервис и отвечала за "
        "интеграции с банками"
    )
    assert answer_quality(answer, topic, "ru") == "substantive"
    topic_en = "Communication How do you explain a decision to non-technical colleagues?"
    answer_en = (
        "I avoid jargon, draw a simple diagram and describe the trade-off in terms of money "
        "and risk for the business"
    )
    assert answer_quality(answer_en, topic_en, "en") == "substantive"


def test_russian_prefix_matching() -> None:
    assert overlap(words("идемпотентного продюсера"), words("идемпотентность")) == 1
    assert overlap(words("тестирование"), words("тест")) == 1
    assert overlap(words("sql"), words("sql")) == 1
    assert overlap(words("squirrel"), words("sql")) == 0
