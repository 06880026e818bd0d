"""Console texts in Russian and English; the language is chosen in the sidebar."""

from __future__ import annotations

import streamlit as st

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"en": "Selectio — recruiter console", "ru": "Selectio — консоль рекрутера"},
    "sign_in": {"en": "Sign in", "ru": "Вход"},
    "email": {"en": "Email", "ru": "Эл. почта"},
    "password": {"en": "Password", "ru": "Пароль"},
    "sign_in_button": {"en": "Sign in", "ru": "Войти"},
    "sign_out": {"en": "Sign out", "ru": "Выйти"},
    "signed_in_as": {"en": "Signed in as", "ru": "Вы вошли как"},
    "workspaces": {"en": "Workspaces", "ru": "Рабочие пространства"},
    "workspace": {"en": "Workspace", "ru": "Рабочее пространство"},
    "role": {"en": "Your role", "ru": "Ваша роль"},
    "member_role": {"en": "Role", "ru": "Роль"},
    "active": {"en": "active", "ru": "активна"},
    "archived": {"en": "archived", "ru": "в архиве"},
    "owner": {"en": "owner", "ru": "владелец"},
    "recruiter": {"en": "recruiter", "ru": "рекрутер"},
    "viewer": {"en": "viewer", "ru": "наблюдатель"},
    "no_workspaces": {
        "en": "You are not a member of any workspace yet.",
        "ru": "Вы пока не состоите ни в одном рабочем пространстве.",
    },
    "vacancies": {"en": "Vacancies", "ru": "Вакансии"},
    "no_vacancies": {"en": "No vacancies yet.", "ru": "Вакансий пока нет."},
    "candidates": {"en": "Candidates", "ru": "Кандидаты"},
    "no_candidates": {"en": "No candidates yet.", "ru": "Кандидатов пока нет."},
    "members": {"en": "Team", "ru": "Команда"},
    "ranking": {"en": "Ranked candidates", "ru": "Рейтинг кандидатов"},
    "vacancy": {"en": "Vacancy", "ru": "Вакансия"},
    "no_ranking": {"en": "No applications yet.", "ru": "Откликов пока нет."},
    "rank": {"en": "#", "ru": "№"},
    "score": {"en": "Score", "ru": "Балл"},
    "recommendation": {"en": "Recommendation", "ru": "Рекомендация"},
    "matched": {"en": "Matches", "ru": "Совпадения"},
    "missing": {"en": "Gaps", "ru": "Пробелы"},
    "flags": {"en": "Flags", "ru": "Флаги"},
    "strongly_recommend": {"en": "strongly recommend", "ru": "настоятельно рекомендовать"},
    "recommend": {"en": "recommend", "ru": "рекомендовать"},
    "consider": {"en": "consider", "ru": "рассмотреть"},
    "reject": {"en": "reject", "ru": "отклонить"},
    "hidden_text": {"en": "hidden text", "ru": "скрытый текст"},
    "prompt_injection": {"en": "AI manipulation attempt", "ru": "попытка манипуляции ИИ"},
    "title": {"en": "Title", "ru": "Название"},
    "status": {"en": "Status", "ru": "Статус"},
    "language": {"en": "Language", "ru": "Язык"},
    "location": {"en": "Location", "ru": "Локация"},
    "applications": {"en": "Applications", "ru": "Отклики"},
    "created": {"en": "Created", "ru": "Создана"},
    "name": {"en": "Name", "ru": "Имя"},
    "phone": {"en": "Phone", "ru": "Телефон"},
    "telegram": {"en": "Telegram", "ru": "Telegram"},
    "login_failed": {"en": "Sign-in failed", "ru": "Не удалось войти"},
    "api_down": {"en": "The API is not reachable", "ru": "API недоступен"},
}


def language() -> str:
    """The chosen interface language ('ru' or 'en')."""
    return st.session_state.get("lang", "ru")


def t(key: str) -> str:
    """The text for `key` in the chosen language."""
    return TEXTS[key][language()]
