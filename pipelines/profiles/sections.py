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
        "career history", "relevant experience", "career", "military experience",
        "military service", "employment experience", "professional history", "internships",
        "internship experience", "teaching experience", "research experience", "стажировки",
        "военная служба", "опыт работы и стажировки",
    ),
    "education": (
        "образование", "высшее образование", "основное образование", "education",
        "academic background", "education and training", "educational background",
        "academic qualifications", "education and certifications", "дополнительное образование",
    ),
    "skills": (
        "навыки", "ключевые навыки", "профессиональные навыки", "технические навыки",
        "знания и навыки", "навыки и умения", "стек", "стек технологий", "технологии",
        "технологический стек", "компетенции", "ключевые компетенции", "hard skills",
        "soft skills", "skills", "key skills", "technical skills", "core skills", "tech stack",
        "technologies", "core competencies", "skills & expertise", "skills and expertise",
        "expertise", "tools", "инструменты", "top skills", "skills summary", "highlights",
        "skill highlights", "core qualifications", "qualifications", "key qualifications",
        "summary of qualifications", "summary of skills", "areas of expertise", "core strengths",
        "strengths", "competencies", "professional skills", "computer skills",
        "technical proficiencies", "relevant skills", "основные навыки", "квалификация",
        "профессиональные компетенции", "умения",
    ),
    "languages": (
        "языки", "знание языков", "владение языками", "иностранные языки",
        "знание иностранных языков", "languages", "language skills", "foreign languages",
        "language proficiency",
    ),
    "summary": (
        "о себе", "обо мне", "кратко о себе", "профиль", "summary", "about", "about me",
        "profile", "professional summary", "career summary", "executive summary",
        "career overview", "career focus", "professional profile", "executive profile",
        "personal profile", "personal statement", "profile summary", "professional background",
        "professional value offered", "сведения о себе", "личные качества",
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
        "увлечения", "награды", "публикации",
        "дополнительная информация", "дополнительно", "гражданство",
        "гражданство, время в пути до работы", "водительское удостоверение", "certifications",
        "certificates", "courses", "training", "projects", "portfolio", "hobbies", "interests",
        "awards", "publications", "additional information",
        "volunteering", "volunteer experience", "honors & awards", "licenses & certifications",
        "affiliations",
        "professional affiliations", "memberships", "professional memberships", "licenses",
        "activities", "activities and honors", "honors", "honors and awards", "awards and honors",
        "community service", "community involvement", "volunteer work",
        "extracurricular activities", "professional development", "training and certifications",
        "общественная деятельность",
    ),
    # A section of its own at the top level, a part of the job inside an experience section
    # (livecareer and hh.ru resumes put "Accomplishments:" / "Достижения:" under each job).
    "achievements": (
        "achievements", "accomplishments", "core accomplishments", "key achievements",
        "key accomplishments", "достижения", "профессиональные достижения",
        "ключевые достижения",
    ),
    # Referees' phones and e-mails live here; they are never the candidate's contacts.
    "references": (
        "references", "professional references", "personal references", "referees",
        "references available upon request", "references available on request",
        "рекомендации", "рекомендатели", "контакты рекомендателей", "рекомендации и отзывы",
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

    def __init__(
        self,
        table: dict[str, tuple[str, ...]],
        *,
        duration_key: str | None = None,
        qualified: dict[str, str] | None = None,
    ):
        """`qualified` maps heading words that may follow 1-3 capitalised qualifiers to a key:
        {"experience": "experience"} reads "Graphic Design Experience" as experience."""
        self._keys = {_fold(p): key for key, phrases in table.items() for p in phrases}
        alternatives = "|".join(re.escape(p) for p in sorted(self._keys, key=len, reverse=True))
        self._prefix = re.compile(rf"^({alternatives})(?![^\W_])\s*(.*)$")
        self._duration_key = duration_key
        self._qualified = {_fold(p): key for p, key in (qualified or {}).items()}
        words = "|".join(re.escape(p) for p in self._qualified)
        self._suffix = re.compile(rf"^(?:[^\W\d_][\w&/'-]*\s+){{1,3}}({words})$", re.I)

    def match(self, line: str) -> tuple[str, str] | None:
        """(section key, inline content) when `line` is a heading, else None."""
        core = _SPACES.sub(" ", _DECORATION.sub("", line)).strip()
        if not core or len(core) > 200:
            return None
        folded = core.lower().replace("ё", "е")
        key = self._keys.get(folded)
        if key is not None and core[0].islower() and line.rstrip().endswith("."):
            return None  # "experience." alone is the tail of a wrapped sentence
        if key is not None and len(line.strip()) <= 60:
            return key, ""
        qualified = self._suffix.match(core) if self._qualified and len(core) <= 50 else None
        if qualified is not None and all(w[0].isupper() for w in core.split()):
            return self._qualified[_fold(qualified.group(1))], ""
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


# Headings that continue the section they are met in rather than start one.
RESUME_NESTED: dict[str, frozenset[str]] = {"experience": frozenset({"achievements"})}


def split_sections(
    text: str, matcher: HeadingMatcher, nested: dict[str, frozenset[str]] | None = None
) -> list[Section]:
    """Sections in document order; text before the first heading is the "header" section.

    `nested` maps a section key to heading keys that stay inside it as plain lines.
    """
    sections = [Section("header")]
    for raw in text.splitlines():
        line = raw.rstrip()
        found = matcher.match(line) if line.strip() else None
        if found is not None and found[0] in (nested or {}).get(sections[-1].key, ()):
            found = None
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
