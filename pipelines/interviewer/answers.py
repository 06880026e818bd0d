"""Cheap heuristics on what a candidate said: a request (repeat, skip), "I don't know", or an
answer, and how good the answer looks. Pure functions, well under a millisecond per call.

Both languages' patterns always apply (candidates switch languages mid-sentence); the
interview language only sets the word-count thresholds, since Russian says in fewer words
(no articles) what English says in more. Words are compared by prefix so Russian endings do
not hide a match: "идемпотентность" and "идемпотентного" share their first five letters.
"""

from __future__ import annotations

import re
from typing import Literal

from pipelines.models import Lang

Quality = Literal["substantive", "thin", "off_topic", "empty"]
Intent = Literal["repeat", "skip", "dont_know", "empty", "answer"]

REQUEST_MAX_WORDS = 12  # a longer turn is an answer, even if it contains "repeat"
DONT_KNOW_MAX_WORDS = 12
THIN_WORDS: dict[Lang, int] = {"ru": 6, "en": 8}  # fewer words than this: thin
MIN_CONTENT_WORDS = 3  # fewer meaningful words: generic ("всё было нормально")
OFF_TOPIC_MIN_CONTENT = 8  # judge topic drift only on answers with this many content words
TECH_DETAIL_WORDS = 20  # shorter technical answers must show something specific

_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[a-z]")


def _patterns(*items: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in items))


_REPEAT = _patterns(
    # Russian
    r"^(а |ой |извините,? |простите,? )?повтор",
    r"повтор\w*,? (пожалуйста|вопрос|еще раз|ещё раз)",
    r"(можете|можно|могли бы|не могли бы вы)( \w+)? повтор",
    r"не (рас)?слыша|не услыша|плохо слышно",
    r"не понял\w* вопрос",
    r"(что|как) вы сказали",
    r"^(можно )?еще раз\b|еще раз (вопрос|пожалуйста|скажите|прочитайте)",
    r"переформулир",
    # English
    r"(can|could|would) you (please )?(repeat|rephrase|say (that|it) again)",
    r"^(please )?(repeat|rephrase)\b|(please|kindly) (repeat|rephrase)",
    r"repeat (the question|that|it|please)",
    r"say (that|it) again|come again|one more time|what was the question",
    r"(didn'?t|did not|couldn'?t|could not) (quite )?(catch|hear|get) (that|it|you|the question)",
    r"^(sorry,? )?(pardon|what\?)",
)
_SKIP = _patterns(
    r"следующ\w* вопрос|перейд\w* (к|на) следующ",
    r"^пропуст|(можно|давайте|хочу|хотел\w* бы) пропуст|пропуст\w* (этот|его|вопрос)",
    r"^(давайте |можно )?(дальше|далее)\b",
    r"не (хочу|буду|готов\w*) (\w+ )*отвечать",
    r"^пас\b",
    r"\bskip\b|next question",
    r"^(let'?s |can we |could we |please )?move on|(let'?s|can we|could we) move on",
    r"^(next|pass)\b|(rather|prefer) not (to )?answer",
)
_DONT_KNOW = _patterns(
    r"\bне знаю\b|понятия не имею|без понятия|не помню|не в курсе",
    r"затрудняюсь (ответить|сказать)|не (могу|смогу) (ответить|сказать)",
    r"нет опыта|не (сталкивал|работал|пользовал|использовал)|не (имел|было) (дела|опыта)",
    r"\b(don'?t|do not) (really )?know\b|no idea|no clue|not sure",
    r"(can'?t|cannot|can not) (answer|say)|no experience|(don'?t|do not) remember",
    r"(never|haven'?t|have not) (really )?(worked|used|dealt|done|come across|tried)",
)
# A hedge followed by substance is an answer: "не знаю точно, но думаю…".
_CONTRAST = frozenset("но однако зато только хотя but however although though only instead".split())
_FILLERS = frozenset(
    "э ээ эээ эм мм ммм хм гм ну ага угу уф а о ah uh um umm uhm hmm hm er erm eh mm oh".split()
)
_STOP = frozenset(
    """и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по
    только ее её мне было вот от меня еще ещё нет о из ему теперь когда даже ну ли если уже или
    ни быть был него до вас там потом себя ничего ей может они тут где есть надо ней для мы
    тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того
    потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда
    зачем всех никогда можно при об другой хоть после над больше тот через эти нас про всего
    них какая много разве эту моя впрочем свою этой перед иногда лучше чуть том нельзя такой
    им более всегда конечно всю между это ваш ваши вашей вашем ваша вам какие каким каких
    который которые которая которых очень просто также тоже вообще типа как-то свой своей
    своих своем своём the a an and or but if of to in on at by for with about as is are was
    were be been being have has had do does did i you he she it we they me my your our their
    his her its this that these those there here what which who whom how when where why can
    could would should will shall may might must so not no yes just very really also then
    than too from into over under again more most some any all each other such only own same
    well like kind sort thing things stuff lot lots""".split()
)
# Words of the question itself that no answer repeats.
_QUESTION_WORDS = frozenset(
    """расскажите опишите приведите пример примеры назовите объясните поделитесь
    представьте практике практики работе работы tell describe give example examples explain
    share imagine walk through your practice work""".split()
)
_GENERIC = frozenset(
    """хорошо нормально отлично плохо нормальный разный разные разное всякое всякие обычно
    обычный делал делали делала работал работала работали занимался занималась good fine ok
    okay great bad usual usually normal various different things worked did done""".split()
)
# Working life in general: an answer that mentions it is about the job, whatever its wording,
# so it is never called off the topic (soft questions share few words with their answers).
_WORK_WORDS = list(
    """работ проект команд задач клиент код сервис систем данн пользоват разработ компан
    коллег продукт процесс решени тест ошибк баг релиз бизнес заказчик руковод менедж опыт
    навык обучен изуча учил технолог инструмент метрик логи архитект запрос сервер приложен
    функци интерфейс анализ отчет документ требован срок дедлайн конфликт обсужд встреч
    карьер развит должност обязанн work job project team task client customer code service
    system data user develop company colleague product process solution solve test bug
    release business manage experience skill learn technology tool metric log architecture
    database query server application feature interface analysis report document requirement
    deadline conflict meeting career growth role responsib""".split()
)
_EXAMPLE_MARKERS = _patterns(
    r"например|к примеру|однажды|случай|у нас был",
    r"(в|на) (одном|прошлом|последнем|текущем) (проекте|месте|работе)",
    r"for example|for instance|e\.g\.|one time|in one case",
    r"in (one|a|our|my last|my previous|my current) (project|team|company|job)\b",
)


def normalize(text: str) -> str:
    """Lowercase, ё→е, typographic apostrophes and spaces straightened."""
    text = text.casefold().replace("ё", "е").replace("’", "'").replace("`", "'")
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The words of `text`, normalised, fillers ("эээ", "um") dropped."""
    return [w for w in _WORD.findall(normalize(text)) if w not in _FILLERS]


def _short_match(pattern: re.Pattern[str], text: str, limit: int) -> bool:
    norm = normalize(text)
    return len(_WORD.findall(norm)) <= limit and pattern.search(norm) is not None


def is_repeat_request(text: str) -> bool:
    """ "Повторите вопрос", "не расслышал", "can you say that again?" — not an answer."""
    return _short_match(_REPEAT, text, REQUEST_MAX_WORDS)


def is_skip_request(text: str) -> bool:
    """ "Можно следующий вопрос?", "skip", "let's move on" — the candidate passes."""
    return _short_match(_SKIP, text, REQUEST_MAX_WORDS)


def is_dont_know(text: str) -> bool:
    """A short "не знаю" / "I have no experience with that" without a "but" after it."""
    if not _short_match(_DONT_KNOW, text, DONT_KNOW_MAX_WORDS):
        return False
    return not any(w in _CONTRAST for w in words(text))


def classify_intent(text: str) -> Intent:
    """What a candidate's turn is: a request to repeat or skip, "I don't know", nothing, or an
    answer. Requests are checked first: "не расслышал вопрос" is not an answer."""
    if not words(text):
        return "empty"
    if is_repeat_request(text):
        return "repeat"
    if is_skip_request(text):
        return "skip"
    if is_dont_know(text):
        return "dont_know"
    return "answer"


def content_words(text: str) -> list[str]:
    """Words that carry meaning: no stop words, no question-phrasing words."""
    return [w for w in words(text) if w not in _STOP and w not in _QUESTION_WORDS]


def _keys(ws: list[str]) -> tuple[set[str], set[str], set[str], set[str]]:
    exact = set(ws)
    p4 = {w[:4] for w in ws if len(w) >= 4}
    p5 = {w[:5] for w in ws if len(w) >= 5}
    four = {w for w in ws if len(w) == 4}
    return exact, p4, p5, four


def overlap(answer_words: list[str], topic_words: list[str]) -> int:
    """How many topic words the answer shares, by common prefix: two words match when their
    first min(5, shorter length) letters agree (and at least 4), short words exactly."""
    exact, p4, p5, four = _keys(answer_words)
    hits = 0
    for k in set(topic_words):
        if len(k) <= 3:
            hits += k in exact
        elif len(k) == 4:
            hits += k in p4
        else:
            hits += k[:5] in p5 or k[:4] in four
    return hits


def _has_specifics(text: str, topic_words: list[str], language: Lang) -> bool:
    """A number, an example ("например", "in my project") or a named tool beyond the topic."""
    norm = normalize(text)
    if _DIGIT.search(norm) or _EXAMPLE_MARKERS.search(norm):
        return True
    if language == "ru":
        # Tools are named in Latin letters in Russian speech: "Redis", "k8s".
        named = [w for w in content_words(text) if _LATIN.search(w)]
    else:
        tokens = text.split()[1:]  # the first word is capitalised anyway
        named = [
            w.lower()
            for t in tokens
            if len(w := t.strip(".,;:!?()\"'")) > 1 and w[:1].isupper() and w.lower() not in _STOP
        ]
    return any(overlap([w], topic_words) == 0 for w in named)


def answer_quality(text: str, topic: str, language: Lang, *, technical: bool = False) -> Quality:
    """How an answer looks against its topic (the question's topic and, for more keywords, its
    text): "empty", "thin" (very short, generic, "I don't know", or a short technical answer
    without specifics), "off_topic" (long enough, yet sharing no keyword with the topic and
    saying nothing about work: no number, tool or work word) or "substantive"."""
    raw = words(text)
    if not raw:
        return "empty"
    if is_dont_know(text) or len(raw) < THIN_WORDS[language]:
        return "thin"
    content = [w for w in content_words(text) if w not in _GENERIC]
    if len(content) < MIN_CONTENT_WORDS:
        return "thin"
    topic_words = content_words(topic)
    hits = overlap(content, topic_words)
    if (
        hits == 0
        and len(content) >= OFF_TOPIC_MIN_CONTENT
        and topic_words
        and not _DIGIT.search(text)
        and not (language == "ru" and any(_LATIN.search(w) for w in content))
        and overlap(content, _WORK_WORDS) == 0
    ):
        return "off_topic"
    if (
        technical
        and len(raw) < TECH_DETAIL_WORDS
        and not _has_specifics(text, topic_words, language)
    ):
        return "thin"
    return "substantive"
