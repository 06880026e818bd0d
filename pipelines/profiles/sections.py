"""Splitting resumes and vacancies into sections by their bilingual headings.

A heading is a line that is only a known heading ("Опыт работы", "Work experience:"), or a
known heading followed by ':' / a dash and inline content ("Навыки: Python, SQL"), or, for
experience, followed by a duration ("Опыт работы — 6 лет 2 месяца"). Markdown marks, bullets
and case do not matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RESUME_HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": (
        "опыт работы", "опыт", "трудовой опыт", "профессиональный опыт", "места работы",
        "опыт работы и проекты", "трудовая деятельность", "work experience", "experience",
        "professional experience", "employment history", "employment", "work history",
        "career history", "relevant experience", "career",
    ),
    "education": (
        "образование", "высшее образование", "основное образование", "education",
        "academic background", "education and training",
    ),
    "skills": (
        "навыки", "ключевые навыки", "профессиональные навыки", "технические навыки",
        "знания и навыки", "навыки и умения", "стек", "стек технологий", "технологии",
        "технологический стек", "компетенции", "ключевые компетенции", "hard skills",
        "soft skills", "skills", "key skills", "technical skills", "core skills", "tech stack",
        "technologies", "core competencies", "skills & expertise", "skills and expertise",
        "expertise", "tools", "инструменты", "top skills", "skills summary",
    ),
    "languages": (
        "языки", "знание языков", "владение языками", "иностранные языки",
        "знание иностранных языков", "languages", "language skills", "foreign languages",
        "language proficiency",
    ),
    "summary": (
        "о себе", "обо мне", "кратко о себе", "профиль", "summary", "about", "about me",
        "profile", "professional summary", "career summary", "executive summary",
    ),
    "contacts": (
        "контакты", "контактная информация", "контактные данные", "личная информация",
        "личные данные", "contacts", "contact", "contact information", "contact info",
        "contact details", "personal information", "personal details", "personal info",
    ),
    "position": (
        "желаемая должность", "желаемая должность и зарплата", "должность", "цель",
        "position", "desired position", "objective", "career objective", "target role",
        "target position",
    ),
    "other": (
        "курсы", "повышение квалификации", "повышение квалификации, курсы", "сертификаты",
        "сертификация", "тесты, экзамены", "проекты", "портфолио", "хобби", "интересы",
        "увлечения", "награды", "достижения", "публикации", "рекомендации",
        "дополнительная информация", "дополнительно", "гражданство",
        "гражданство, время в пути до работы", "водительское удостоверение", "certifications",
        "certificates", "courses", "training", "projects", "portfolio", "hobbies", "interests",
        "awards", "achievements", "publications", "references", "additional information",
        "volunteering", "volunteer experience", "honors & awards", "licenses & certifications",
    ),
}  # fmt: skip

VACANCY_HEADINGS: dict[str, tuple[str, ...]] = {
    "must": (
        "требования", "требования к кандидату", "требования к соискателю", "основные требования",
        "обязательные требования", "обязательно", "необходимо", "что нужно", "мы ждем",
        "мы ждём", "мы ждем от вас", "мы ждём от вас", "ждем от вас", "ждём от вас",
        "мы ожидаем", "ожидаем от вас", "что мы ждем", "что мы ждём", "что мы ожидаем",
        "тебе нужно", "вам нужно", "от вас", "наши ожидания", "необходимые навыки",
        "ключевые навыки", "навыки", "must have", "must-have", "must haves", "requirements",
        "required", "required skills", "key requirements", "qualifications",
        "required qualifications", "basic qualifications", "minimum qualifications",
        "what we expect", "what we're looking for", "what we are looking for",
        "what you'll need", "what you will need", "what you need", "you have", "you are",
        "who you are", "about you", "your profile", "your skills",
    ),
    "nice": (
        "будет плюсом", "будет преимуществом", "плюсом будет", "преимуществом будет",
        "желательно", "приветствуется", "дополнительным плюсом будет", "плюсы", "будет здорово",
        "nice to have", "nice-to-have", "preferred", "preferred qualifications",
        "preferred skills", "bonus", "bonus points", "plus", "pluses", "it's a plus",
        "it would be a plus", "would be a plus", "good to have", "desirable", "optional",
    ),
    "duties": (
        "обязанности", "задачи", "чем предстоит заниматься", "что нужно делать",
        "что предстоит делать", "чем заниматься", "ваши задачи", "твои задачи",
        "responsibilities", "key responsibilities", "what you'll do", "what you will do",
        "your tasks", "your role", "the role", "role", "duties", "стек", "наш стек",
        "стек технологий", "технологии", "tech stack", "our stack", "stack", "technologies",
    ),
    "offer": (
        "условия", "мы предлагаем", "что мы предлагаем", "предлагаем", "что мы даем",
        "что мы даём", "бонусы", "льготы", "о компании", "о нас", "кто мы", "о команде",
        "этапы отбора", "процесс отбора", "we offer", "what we offer", "benefits", "perks",
        "about us", "about the company", "about the team", "who we are", "conditions",
        "compensation", "hiring process", "interview process",
    ),
}  # fmt: skip

_DECORATION = re.compile(r"^[\s#*_>•·●▪\-–—]+|[\s*_:：.]+$")
_SPACES = re.compile(r"\s+")
_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-Z]")
_DURATION_START = re.compile(r"^\d+[\s,.+]*(?:год|лет|year|yr|месяц|month)", re.I)


@dataclass
class Section:
    """Lines under one heading; `inline` is content written on the heading line itself."""

    key: str
    heading: str = ""
    inline: str = ""
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(([self.inline] if self.inline else []) + self.lines)


def _fold(text: str) -> str:
    return _SPACES.sub(" ", text.lower().replace("ё", "е")).strip()


class HeadingMatcher:
    """Recognises heading lines for one table (resume or vacancy headings)."""

    def __init__(self, table: dict[str, tuple[str, ...]], *, duration_key: str | None = None):
        self._keys = {_fold(p): key for key, phrases in table.items() for p in phrases}
        alternatives = "|".join(re.escape(p) for p in sorted(self._keys, key=len, reverse=True))
        self._prefix = re.compile(rf"^({alternatives})(?![^\W_])\s*(.*)$")
        self._duration_key = duration_key

    def match(self, line: str) -> tuple[str, str] | None:
        """(section key, inline content) when `line` is a heading, else None."""
        core = _SPACES.sub(" ", _DECORATION.sub("", line)).strip()
        if not core or len(core) > 200:
            return None
        folded = core.lower().replace("ё", "е")
        key = self._keys.get(folded)
        if key is not None and len(line.strip()) <= 60:
            return key, ""
        found = self._prefix.match(folded)
        if found is None:
            return None
        key, rest = self._keys[found.group(1)], found.group(2)
        offset = len(core) - len(rest)  # `rest` without folding, for names and cases
        if rest[:1] in (":", "：", "—", "–", "-", "|"):
            return key, core[offset + 1 :].strip(" -–—:：|\t")
        if key == self._duration_key and _DURATION_START.match(rest):
            return key, core[offset:].strip()
        if rest.startswith("(") and len(core) <= 60:  # "Опыт работы (6 лет)"
            return key, core[offset:].strip(" ()")
        return None


def split_sections(text: str, matcher: HeadingMatcher) -> list[Section]:
    """Sections in document order; text before the first heading is the "header" section."""
    sections = [Section("header")]
    for raw in text.splitlines():
        line = raw.rstrip()
        found = matcher.match(line) if line.strip() else None
        if found is None:
            sections[-1].lines.append(line)
        else:
            sections.append(Section(found[0], heading=line.strip(), inline=found[1]))
    return sections


def section_text(sections: list[Section], key: str) -> str:
    """All sections with this key, joined."""
    return "\n".join(s.text for s in sections if s.key == key)


def detect_language(text: str) -> str:
    """'ru' when Cyrillic letters make up at least 40% of the letters (tech terms are Latin)."""
    cyrillic = len(_CYRILLIC.findall(text))
    latin = len(_LATIN.findall(text))
    return "ru" if cyrillic and cyrillic >= 0.4 * (cyrillic + latin) else "en"
