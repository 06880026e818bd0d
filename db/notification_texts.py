"""What each kind of notification says, in Russian and English.

A notification is stored with its kind and subject (names, ids, scores); the text is made from
them here, in the recipient's language for e-mail and Slack and in the reader's language in the
console, so one notification reads right in either.
"""

from __future__ import annotations

from typing import Any

# kind → language → (title, body); fields come from the notification's subject.
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "candidate.strong": {
        "en": (
            "Strong candidate: {candidate}",
            "{candidate} scored {score} for “{vacancy}” at screening.",
        ),
        "ru": (
            "Сильный кандидат: {candidate}",
            "{candidate} набрал(а) {score} баллов при отборе на «{vacancy}».",
        ),
    },
    "report.ready": {
        "en": (
            "Interview report ready: {candidate}",
            "{candidate}'s interview for “{vacancy}” is scored: overall {overall}, {verdict}.",
        ),
        "ru": (
            "Отчёт об интервью готов: {candidate}",
            "Интервью {candidate} на «{vacancy}» оценено: итог {overall}, {verdict}.",
        ),
    },
    "report.flagged": {
        "en": (
            "Report needs a look: {candidate}",
            "{candidate}'s interview for “{vacancy}” has red flags: {flags}.",
        ),
        "ru": (
            "Отчёт требует внимания: {candidate}",
            "В интервью {candidate} на «{vacancy}» есть тревожные признаки: {flags}.",
        ),
    },
    "outbox.failed": {
        "en": (
            "A message could not be sent",
            "A {channel} message failed for good after {attempts} attempts: {error}. "
            "Fix the cause and send it again from the Automation page.",
        ),
        "ru": (
            "Сообщение не отправлено",
            "Сообщение ({channel}) не ушло после {attempts} попыток: {error}. "
            "Устраните причину и отправьте его снова на странице «Автоматизация».",
        ),
    },
    "telegram.revoked": {
        "en": (
            "Telegram session ended: {account}",
            "Telegram no longer accepts the session of {account} ({reason}): the bot has "
            "stopped. Sign the account in again on the Telegram page.",
        ),
        "ru": (
            "Сессия Telegram завершена: {account}",
            "Telegram больше не принимает сессию {account} ({reason}): бот остановлен. "
            "Войдите в аккаунт снова на странице Telegram.",
        ),
    },
    "telegram.outreach_paused": {
        "en": (
            "Telegram outreach paused until {until}",
            "Telegram limited {account}'s messages to people who have not written to it "
            "(PEER_FLOOD). First messages to new candidates wait until {until} UTC; replies to "
            "candidates who wrote go on. Send fewer first messages a day (the Telegram page).",
        ),
        "ru": (
            "Рассылка в Telegram приостановлена до {until}",
            "Telegram ограничил сообщения {account} тем, кто ему не писал (PEER_FLOOD). Первые "
            "сообщения новым кандидатам ждут до {until} UTC; ответы написавшим кандидатам идут "
            "как обычно. Отправляйте меньше первых сообщений в день (страница Telegram).",
        ),
    },
    "hh.reconnect_needed": {
        "en": (
            "HeadHunter must be connected again",
            "HeadHunter no longer accepts this workspace's authorization ({reason}). Imports "
            "have stopped: connect HeadHunter again on the Integrations page.",
        ),
        "ru": (
            "Нужно заново подключить HeadHunter",
            "HeadHunter больше не принимает авторизацию этого пространства ({reason}). Импорт "
            "остановлен: подключите HeadHunter заново на странице «Интеграции».",
        ),
    },
    "hh.action_needed": {
        "en": (
            "HeadHunter needs a person: {what}",
            "The HeadHunter import stopped: {what}. {how}",
        ),
        "ru": (
            "HeadHunter ждёт действия: {what}",
            "Импорт из HeadHunter остановлен: {what}. {how}",
        ),
    },
    "lead.strong": {
        "en": (
            "Strong lead: {title}",
            "{company} is hiring “{title}” ({source}): fit {fit_score}. Best bench match: {bench}.",
        ),
        "ru": (
            "Сильный лид: {title}",
            "{company} ищет «{title}» ({source}): соответствие {fit_score}. "
            "Лучшие со скамейки: {bench}.",
        ),
    },
    "lead.replied": {
        "en": (
            "Reply from {company}",
            "{company} answered about “{title}”: {excerpt}",
        ),
        "ru": (
            "Ответ от {company}",
            "{company} ответили по «{title}»: {excerpt}",
        ),
    },
    "lead.meeting_booked": {
        "en": (
            "Meeting booked: {company}",
            "{invitee} booked a meeting about “{title}” for {start}.",
        ),
        "ru": (
            "Встреча назначена: {company}",
            "{invitee} записался(-ась) на встречу по «{title}» на {start}.",
        ),
    },
    "lead.meeting_canceled": {
        "en": (
            "Meeting cancelled: {company}",
            "{invitee} cancelled the meeting about “{title}” ({start}). {reason}",
        ),
        "ru": (
            "Встреча отменена: {company}",
            "{invitee} отменил(а) встречу по «{title}» ({start}). {reason}",
        ),
    },
    "lead.digest": {
        "en": (
            "Leads on {day}: {new} new, {strong} strong",
            "{new} new leads ({strong} strong), {responded} responses sent, {replied} replies, "
            "{meetings} meetings booked. {top}",
        ),
        "ru": (
            "Лиды за {day}: новых {new}, сильных {strong}",
            "Новых лидов {new} (сильных {strong}), отправлено откликов {responded}, "
            "ответов {replied}, назначено встреч {meetings}. {top}",
        ),
    },
}
LANGUAGES = ("ru", "en")


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def render(kind: str, subject: dict[str, Any], language: str) -> tuple[str, str]:
    """(title, body) of a notification; a kind this version does not know reads as its name."""
    texts = TEXTS.get(kind)
    if texts is None:
        return kind, ""
    title, body = texts.get(language) or texts["en"]
    values = _Blank({k: v for k, v in subject.items() if v is not None and v != ""})
    return title.format_map(values), body.format_map(values)
