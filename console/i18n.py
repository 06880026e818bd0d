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
    # ---- application stages and resume statuses ----
    "stage_new": {"en": "new", "ru": "новый"},
    "stage_screened": {"en": "screened", "ru": "скрининг пройден"},
    "stage_interview_scheduled": {"en": "interview scheduled", "ru": "назначено интервью"},
    "stage_interviewed": {"en": "interviewed", "ru": "интервью пройдено"},
    "stage_offer": {"en": "offer", "ru": "оффер"},
    "stage_hired": {"en": "hired", "ru": "нанят"},
    "stage_rejected": {"en": "rejected", "ru": "отказ"},
    "stage": {"en": "Stage", "ru": "Этап"},
    "res_pending": {"en": "waiting", "ru": "в очереди"},
    "res_parsing": {"en": "reading", "ru": "читается"},
    "res_parsed": {"en": "parsed", "ru": "разобрано"},
    "res_failed": {"en": "failed", "ru": "ошибка"},
    "res_interview_scheduled": {
        "en": "parsed, interview scheduled",
        "ru": "разобрано, назначено интервью",
    },
    "res_interviewed": {"en": "parsed, interviewed", "ru": "разобрано, интервью пройдено"},
    # ---- interviews and reports ----
    "interviews": {"en": "Interviews & reports", "ru": "Интервью и отчёты"},
    "no_interviews": {
        "en": "No interviews for this vacancy yet.",
        "ru": "По этой вакансии интервью пока не было.",
    },
    "interviews_done": {"en": "Interviews completed", "ru": "Интервью завершено"},
    "interviews_done_help": {
        "en": "Completed of started; invited: {invited}, interrupted: {failed}",
        "ru": "Завершено из начатых; приглашено: {invited}, прервано: {failed}",
    },
    "completion_rate": {"en": "Completion rate", "ru": "Доля завершённых"},
    "reports": {"en": "Reports", "ru": "Отчёты"},
    "average_overall": {"en": "Average score", "ru": "Средний балл"},
    "recommendation_mix": {"en": "Recommendations", "ru": "Рекомендации"},
    "average_by_criterion": {"en": "Average by criterion", "ru": "Средний балл по критериям"},
    "count": {"en": "Interviews", "ru": "Интервью"},
    "candidate": {"en": "Candidate", "ru": "Кандидат"},
    "interview": {"en": "Interview", "ru": "Интервью"},
    "channel": {"en": "Channel", "ru": "Канал"},
    "voice": {"en": "voice", "ru": "голос"},
    "report": {"en": "Report", "ru": "Отчёт"},
    "report_status": {"en": "Report", "ru": "Отчёт"},
    "overall": {"en": "Overall", "ru": "Итог"},
    "ended": {"en": "Finished", "ru": "Завершено"},
    "interview_channel": {"en": "Channel", "ru": "Канал"},
    "ch_voice": {"en": "voice", "ru": "голос"},
    "ch_telegram": {"en": "Telegram chat", "ru": "чат Telegram"},
    "iv_created": {"en": "invited", "ru": "приглашён"},
    "iv_active": {"en": "in progress", "ru": "идёт"},
    "iv_completed": {"en": "completed", "ru": "завершено"},
    "iv_failed": {"en": "interrupted", "ru": "прервано"},
    "rs_complete": {"en": "complete", "ru": "полный"},
    "rs_partial": {"en": "partial", "ru": "частичный"},
    "rs_insufficient": {"en": "insufficient data", "ru": "недостаточно данных"},
    "rs_none": {"en": "no report", "ru": "нет отчёта"},
    "insufficient": {"en": "insufficient data", "ru": "недостаточно данных"},
    "technical_skills": {"en": "Technical skills", "ru": "Технические навыки"},
    "experience_relevance": {"en": "Experience relevance", "ru": "Релевантность опыта"},
    "communication": {"en": "Communication", "ru": "Коммуникация"},
    "problem_solving": {"en": "Problem solving", "ru": "Решение задач"},
    "cultural_fit": {"en": "Cultural fit", "ru": "Культурное соответствие"},
    "verdict": {"en": "Verdict", "ru": "Заключение"},
    "overall_score": {"en": "Overall score", "ru": "Итоговая оценка"},
    "no_recommendation": {"en": "no recommendation", "ru": "без рекомендации"},
    "note_partial": {
        "en": "Interview incomplete: {assessed} of {total} criteria assessed; "
        "the recommendation is at most “consider”.",
        "ru": "Интервью не завершено: оценено критериев — {assessed} из {total}; "
        "рекомендация не выше «рассмотреть».",
    },
    "note_insufficient": {
        "en": "The candidate gave no answers: no scores and no recommendation.",
        "ru": "Кандидат не дал ответов: оценок и рекомендации нет.",
    },
    "reason_red_flags": {
        "en": "A contradiction or an attempt to manipulate the AI was found: "
        "the recommendation is at most “consider”.",
        "ru": "Обнаружено противоречие или попытка манипуляции ИИ: "
        "рекомендация не выше «рассмотреть».",
    },
    "engine_note": {"en": "Analysis engine: {engine}", "ru": "Движок анализа: {engine}"},
    "fallback_note": {
        "en": "the language model was not used ({reason}); this is the offline assessment",
        "ru": "языковая модель не использовалась ({reason}); это офлайн-оценка",
    },
    "criteria": {"en": "Criteria", "ru": "Критерии"},
    "weight": {"en": "weight", "ru": "вес"},
    "not_assessed": {"en": "not assessed", "ru": "не оценено"},
    "evidence": {"en": "Evidence", "ru": "Подтверждения"},
    "no_evidence": {"en": "No quotes.", "ru": "Цитат нет."},
    "turn": {"en": "turn", "ru": "реплика"},
    "strengths": {"en": "Strengths", "ru": "Сильные стороны"},
    "concerns": {"en": "Concerns", "ru": "Замечания"},
    "red_flags": {"en": "Red flags", "ru": "Тревожные сигналы"},
    "none_noted": {"en": "None noted.", "ru": "Не отмечено."},
    "flag_contradiction": {"en": "Contradiction", "ru": "Противоречие"},
    "flag_evasive": {"en": "Evasive answer", "ru": "Уклончивый ответ"},
    "flag_injection": {"en": "AI manipulation attempt", "ru": "Попытка манипуляции ИИ"},
    "flag_off_topic": {"en": "Off topic", "ru": "Не по теме"},
    "flag_aborted": {"en": "Interview aborted", "ru": "Интервью прервано"},
    "summary": {"en": "Summary", "ru": "Резюме"},
    "transcript": {"en": "Transcript", "ru": "Стенограмма"},
    "empty_transcript": {"en": "The transcript is empty.", "ru": "Стенограмма пуста."},
    "interviewer": {"en": "Interviewer", "ru": "Интервьюер"},
    "system": {"en": "System", "ru": "Система"},
    "no_report": {
        "en": "This interview has no report yet.",
        "ru": "Отчёта по этому интервью пока нет.",
    },
    "not_finished": {
        "en": "The interview has not finished: it can be analysed once it ends.",
        "ru": "Интервью ещё не закончилось: анализ будет доступен после его завершения.",
    },
    "analyse": {"en": "Analyse", "ru": "Проанализировать"},
    "analyse_again": {"en": "Analyse again", "ru": "Проанализировать заново"},
    "refresh": {"en": "Refresh", "ru": "Обновить"},
    "job_status": {"en": "Analysis job #{job}: {status}", "ru": "Задача анализа №{job}: {status}"},
    "job_queued": {"en": "queued", "ru": "в очереди"},
    "job_running": {"en": "running", "ru": "выполняется"},
    "job_succeeded": {"en": "done", "ru": "готово"},
    "job_failed": {"en": "failed", "ru": "ошибка"},
    "job_cancelled": {"en": "cancelled", "ru": "отменена"},
    "render_pdf": {"en": "Render PDF", "ru": "Сформировать PDF"},
    "pdf_rendered": {"en": "The PDF is ready.", "ru": "PDF готов."},
    "download_pdf": {"en": "Download PDF", "ru": "Скачать PDF"},
    "no_pdf": {"en": "No PDF yet.", "ru": "PDF пока нет."},
    # ---- team and invitations ----
    "team": {"en": "Team & access", "ru": "Команда и доступ"},
    "team_members": {"en": "Members", "ru": "Участники"},
    "your_invitations": {"en": "Your invitations", "ru": "Ваши приглашения"},
    "no_invitations": {"en": "No invitations for you.", "ru": "Приглашений для вас нет."},
    "invitation_line": {
        "en": "**{workspace}** invites you as {role} (from {inviter}, until {expires})",
        "ru": "**{workspace}** приглашает вас как {role} (от {inviter}, до {expires})",
    },
    "accept": {"en": "Accept", "ru": "Принять"},
    "decline": {"en": "Decline", "ru": "Отклонить"},
    "joined": {"en": "You joined {workspace}.", "ru": "Вы вступили в {workspace}."},
    "declined": {"en": "Invitation declined.", "ru": "Приглашение отклонено."},
    "invite": {"en": "Invite a colleague", "ru": "Пригласить коллегу"},
    "invite_help": {
        "en": "They join once they accept the invitation after signing in with this e-mail.",
        "ru": "Коллега вступит, когда примет приглашение, войдя с этим адресом.",
    },
    "invite_button": {"en": "Send invitation", "ru": "Отправить приглашение"},
    "invite_sent": {
        "en": "Invitation for {email} is valid until {expires}.",
        "ru": "Приглашение для {email} действует до {expires}.",
    },
    "pending_invitations": {"en": "Pending invitations", "ru": "Ожидающие приглашения"},
    "no_pending_invitations": {
        "en": "No pending invitations.",
        "ru": "Ожидающих приглашений нет.",
    },
    "invitation": {"en": "Invitation", "ru": "Приглашение"},
    "revoke": {"en": "Revoke", "ru": "Отозвать"},
    "revoked": {"en": "Invitation revoked.", "ru": "Приглашение отозвано."},
    "expires": {"en": "Valid until", "ru": "Действует до"},
    "pending": {"en": "pending", "ru": "ожидает"},
    "expired": {"en": "expired", "ru": "истекло"},
    "owners_invite": {
        "en": "Only owners invite people and see pending invitations.",
        "ru": "Приглашать и видеть ожидающие приглашения могут только владельцы.",
    },
    # ---- dashboard ----
    "dashboard": {"en": "Dashboard", "ru": "Дашборд"},
    "dash_refresh": {"en": "Refresh", "ru": "Обновить"},
    "period": {"en": "Period", "ru": "Период"},
    "period_7": {"en": "Last 7 days", "ru": "7 дней"},
    "period_30": {"en": "Last 30 days", "ru": "30 дней"},
    "period_90": {"en": "Last 90 days", "ru": "90 дней"},
    "period_all": {"en": "All time", "ru": "Всё время"},
    "vacancy_filter": {"en": "Vacancy", "ru": "Вакансия"},
    "source_filter": {"en": "Source", "ru": "Источник"},
    "all": {"en": "All", "ru": "Все"},
    "kpi_open_vacancies": {"en": "Open vacancies", "ru": "Открытые вакансии"},
    "kpi_new_today": {"en": "New today", "ru": "Новых сегодня"},
    "kpi_new_7_days": {"en": "New in 7 days", "ru": "Новых за 7 дней"},
    "kpi_screened": {"en": "Screened", "ru": "Прошли скрининг"},
    "kpi_invited": {"en": "Invited", "ru": "Приглашены"},
    "kpi_interviewed": {"en": "Interviewed", "ru": "Прошли интервью"},
    "kpi_recommended": {"en": "Recommended", "ru": "Рекомендованы"},
    "funnel": {"en": "Funnel", "ru": "Воронка"},
    "funnel_by_vacancy": {"en": "Funnel by vacancy", "ru": "Воронка по вакансиям"},
    "step_applications": {"en": "applications", "ru": "отклики"},
    "step_screened": {"en": "screened", "ru": "скрининг"},
    "step_invited": {"en": "invited", "ru": "приглашены"},
    "step_interviewed": {"en": "interviewed", "ru": "интервью"},
    "step_recommended": {"en": "recommended", "ru": "рекомендованы"},
    "step": {"en": "Step", "ru": "Этап"},
    "dash_count": {"en": "Count", "ru": "Количество"},
    "applications_per_day": {"en": "Applications per day", "ru": "Отклики по дням"},
    "day": {"en": "Day", "ru": "День"},
    "score_distribution": {"en": "Screening scores", "ru": "Баллы скрининга"},
    "score_bin": {"en": "Score (from)", "ru": "Балл (от)"},
    "time_to_interview": {
        "en": "Hours from application to interview",
        "ru": "Часы от отклика до интервью",
    },
    "hours": {"en": "Hours", "ru": "Часы"},
    "dash_completion_rate": {"en": "Interview completion rate", "ru": "Доля завершённых интервью"},
    "started": {"en": "Started", "ru": "Начато"},
    "rate": {"en": "Rate", "ru": "Доля"},
    "engine_mix": {"en": "Engines", "ru": "Движки"},
    "engine": {"en": "Engine", "ru": "Движок"},
    "kind": {"en": "Kind", "ru": "Вид"},
    "no_chart_data": {"en": "Nothing to show yet.", "ru": "Пока нечего показать."},
    "dashboard_empty": {
        "en": "No applications yet. Create a vacancy on the Vacancies page and upload "
        "resumes or connect a job board; the charts fill in as candidates apply.",
        "ru": "Откликов пока нет. Создайте вакансию на странице «Вакансии» "
        "и загрузите резюме или подключите площадку — графики заполнятся с откликами.",
    },
    "dashboard_failed": {
        "en": "Could not load the dashboard data",
        "ru": "Не удалось загрузить данные дашборда",
    },
    "login_failed": {"en": "Sign-in failed", "ru": "Не удалось войти"},
    "session_expired": {
        "en": "Your session has ended (expired, signed out elsewhere or the password changed). "
        "Sign in again.",
        "ru": "Сеанс завершён (истёк срок, выход на другом устройстве или смена пароля). "
        "Войдите снова.",
    },
    "api_down": {"en": "The API is not reachable", "ru": "API недоступен"},
}


def add_texts(texts: dict[str, dict[str, str]]) -> None:
    """Register a page's own texts (kept beside the page); a key already taken with other
    wording is a mistake caught at import, not a silently changed label elsewhere."""
    for key, value in texts.items():
        if set(value) != {"en", "ru"}:
            raise ValueError(f"console text {key!r} needs exactly 'en' and 'ru'")
        if key in TEXTS and TEXTS[key] != value:
            raise ValueError(f"console text {key!r} is already defined differently")
        TEXTS[key] = value


def language() -> str:
    """The chosen interface language ('ru' or 'en')."""
    return st.session_state.get("lang", "ru")


def t(key: str) -> str:
    """The text for `key` in the chosen language."""
    return TEXTS[key][language()]
