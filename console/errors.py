"""API failures as sentences in the recruiter's language.

The API answers with a stable code and an English message; the console shows its own
wording for the codes a recruiter meets, and for any other code the API's message under a
translated lead ("The request failed: …"), never raw JSON or a traceback.
"""

from __future__ import annotations

import streamlit as st

from console.api_client import ApiFailure
from console.i18n import add_texts, language

_BY_CODE: dict[str, dict[str, str]] = {
    "api_unreachable": {
        "en": "The API is not reachable. Check that the product is running and try again.",
        "ru": "API недоступен. Проверьте, что продукт запущен, и повторите попытку.",
    },
    "invalid_credentials": {
        "en": "wrong email or password.",
        "ru": "неверная почта или пароль.",
    },
    "report_not_ready": {
        "en": "The analysis is still running: refresh in a few seconds.",
        "ru": "Анализ ещё идёт: обновите через несколько секунд.",
    },
    "interview_exists": {
        "en": "The candidate already has an unfinished interview for this vacancy.",
        "ru": "У кандидата уже есть незавершённое интервью по этой вакансии.",
    },
    "code_invalid": {
        "en": "The code is wrong; check it and try again.",
        "ru": "Неверный код; проверьте и попробуйте снова.",
    },
    "code_expired": {
        "en": "The code has expired; send a new one.",
        "ru": "Срок действия кода истёк; запросите новый.",
    },
    "password_invalid": {
        "en": "The two-step verification password is wrong.",
        "ru": "Неверный пароль двухэтапной проверки.",
    },
    "phone_invalid": {
        "en": "Telegram does not know this phone number; check it (with the country code).",
        "ru": "Telegram не знает этот номер; проверьте его (с кодом страны).",
    },
    "phone_banned": {
        "en": "Telegram has banned this phone number; connect another account.",
        "ru": "Telegram заблокировал этот номер; подключите другой аккаунт.",
    },
    "session_invalid": {
        "en": "Telegram no longer accepts this session: sign in again.",
        "ru": "Telegram больше не принимает эту сессию: войдите заново.",
    },
    "flood_wait": {
        "en": "Telegram asks to wait before trying again ({message}).",
        "ru": "Telegram просит подождать перед новой попыткой ({message}).",
    },
    "telegram_unreachable": {
        "en": "Telegram cannot be reached from the server right now; try again later.",
        "ru": "Сервер сейчас не может связаться с Telegram; попробуйте позже.",
    },
    "telegram_not_configured": {
        "en": "Telegram is not set up on this installation (TELEGRAM_API_ID, TELEGRAM_API_HASH).",
        "ru": "Telegram не настроен в этой установке (TELEGRAM_API_ID, TELEGRAM_API_HASH).",
    },
    "telegram_wrong_step": {
        "en": "That step is not expected now; start again from the phone number.",
        "ru": "Этот шаг сейчас не ожидается; начните заново с номера телефона.",
    },
    "role_too_low": {
        "en": "Your role in this workspace does not allow this action.",
        "ru": "Ваша роль в этом рабочем пространстве не позволяет это действие.",
    },
    "not_found": {
        "en": "Not found: it was deleted or belongs to another workspace.",
        "ru": "Не найдено: удалено или принадлежит другому рабочему пространству.",
    },
    "vacancy_too_short": {
        "en": "The vacancy text is too short to screen against: describe the role, duties "
        "and requirements in a few sentences.",
        "ru": "Текст вакансии слишком короткий для скрининга: опишите роль, обязанности и "
        "требования в нескольких предложениях.",
    },
    "requirement_unreadable": {
        "en": "A requirement has no words to look for in a resume; rewrite or remove it.",
        "ru": "В требовании нет слов, которые можно искать в резюме; перепишите или удалите его.",
    },
    "invalid_policy": {
        "en": "The weights or thresholds are out of range: weights must not all be zero, "
        "and thresholds must rise from “consider” to “strongly recommend”.",
        "ru": "Веса или пороги вне допустимых значений: веса не могут быть все нулевыми, "
        "а пороги должны расти от «рассмотреть» к «настоятельно рекомендовать».",
    },
    "request_too_large": {
        "en": "The request is larger than the API accepts.",
        "ru": "Запрос больше, чем принимает API.",
    },
    "too_large": {"en": "The file is too large.", "ru": "Файл слишком большой."},
    "empty_file": {"en": "The file is empty.", "ru": "Файл пуст."},
    "unsupported_type": {
        "en": "This file type is not supported: upload PDF, DOCX or TXT.",
        "ru": "Этот тип файла не поддерживается: загрузите PDF, DOCX или TXT.",
    },
    "corrupt_pdf": {"en": "The PDF is damaged.", "ru": "PDF повреждён."},
    "corrupt_docx": {"en": "The DOCX file is damaged.", "ru": "Файл DOCX повреждён."},
    "encrypted_pdf": {
        "en": "The PDF is password-protected.",
        "ru": "PDF защищён паролем.",
    },
    "no_text": {
        "en": "No text could be read from the file.",
        "ru": "В файле не удалось найти текст.",
    },
    "no_text_layer": {
        "en": "The PDF is a scan without a text layer.",
        "ru": "PDF — скан без текстового слоя.",
    },
    "conflict": {
        "en": "Someone changed this at the same time; reload and try again.",
        "ru": "Это изменили одновременно с вами; обновите страницу и повторите.",
    },
    "too_many_attempts": {
        "en": "Too many attempts; wait a few minutes and try again.",
        "ru": "Слишком много попыток; подождите несколько минут и повторите.",
    },
}
_TEXTS = {
    "request_failed": {"en": "The request failed", "ru": "Запрос не выполнен"},
}
add_texts(_TEXTS)


def error_text(failure: ApiFailure) -> str:
    """What to tell the recruiter about a failed API call, in the chosen language."""
    lang = language()
    known = _BY_CODE.get(failure.code)
    if known is not None:
        return known[lang].replace("{message}", failure.message)
    return f"{_TEXTS['request_failed'][lang]}: {failure.message}"


def show_error(failure: ApiFailure) -> None:
    """The failure as an error box on the page."""
    st.error(error_text(failure))
