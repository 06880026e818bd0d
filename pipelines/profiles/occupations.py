"""Words that name a job or a line of work, in English and Russian.

Two readers need them. Job headers need `TITLE_WORDS` to tell "Python-разработчик" from
"ООО «Альфа»"; there a word stem is enough ("руководител" for every case form). Names need
`is_occupation`: a resume's top line is often its job title ("CONSTRUCTION WORKER", "Car
Salesman"), and it must not become the candidate's name. That test is stricter about what it
calls a job, because many surnames come from trades: "Stafford" is not "staff", "Токарев" is
not "токарь", and "Tim Cook" is a person while "Line Cook" is a job.
"""

from __future__ import annotations

import re

# Job words whose prefix is enough for job headers (and mostly whole words in English).
_TITLE_STEMS = (
    "разработчик", "программист", "инженер", "архитектор", "менеджер", "аналитик", "дизайнер",
    "тестировщик", "руководител", "директор", "начальник", "заместител", "специалист",
    "администратор", "консультант", "стажер", "стажёр", "ассистент", "помощник", "координатор",
    "бухгалтер", "экономист", "юрист", "рекрутер", "маркетолог", "тимлид", "ведущий", "старший",
    "младший", "главный", "оператор", "секретар", "преподавател", "учител", "продав",
    "представител", "логист", "закупщик", "аудитор", "кассир", "редактор", "копирайтер",
    "переводчик", "эксперт", "основател", "исследовател", "техник", "агент", "супервайзер",
    "офис-менеджер", "hr", "фрилансер", "специалистка", "механик", "медсестр", "медбрат",
    "инспектор", "водител", "повар", "электрик", "электромонтер", "электромонтёр",
    "монтажник", "сварщик", "летчик", "лётчик", "слесар", "грузчик", "курьер", "охранник",
    "уборщи", "горничн", "официант", "бармен", "бариста", "кладовщик", "комплектовщик",
    "прораб", "маляр", "каменщик", "крановщик", "врач", "фельдшер", "провизор",
    "воспитател", "тренер", "методист", "логопед", "юрисконсульт", "экспедитор", "диспетчер",
    "сметчик", "геодезист", "проектировщик", "лаборант", "плотник", "сапожник",
    "developer", "engineer", "programmer", "architect", "manager", "analyst", "designer",
    "tester", "qa", "lead", "head", "director", "officer", "consultant", "specialist",
    "administrator", "admin", "scientist", "intern", "trainee", "assistant", "coordinator",
    "accountant", "recruiter", "sourcer", "partner", "owner", "devops", "sre", "support",
    "operator", "editor", "writer", "copywriter", "marketer", "representative", "executive",
    "cto", "ceo", "cfo", "coo", "cio", "founder", "co-founder", "teacher", "lecturer",
    "researcher", "secretary", "receptionist", "chief", "vp", "president", "technician",
    "agent", "buyer", "economist", "lawyer", "auditor", "senior", "junior", "middle",
    "principal", "staff", "freelancer", "analytics", "worker", "mechanic", "nurse",
    "inspector", "helper", "attendant", "salesman", "saleswoman", "salesperson", "journeyman",
    "clerk", "cashier", "electrician", "plumber", "welder", "pilot", "laborer", "labourer",
    "foreman", "superintendent", "supervisor", "associate", "merchandiser", "stocker",
    "instructor", "tutor", "therapist", "pharmacist", "physician", "paramedic", "caregiver",
    "housekeeper", "janitor", "custodian", "dispatcher", "estimator", "surveyor", "drafter",
    "draftsman", "machinist", "fabricator", "installer", "roofer", "bartender", "waiter",
    "waitress", "hostess", "barista", "dishwasher", "teller", "underwriter", "adjuster",
    "bookkeeper", "controller", "comptroller", "treasurer", "scheduler", "realtor",
    "apprentice", "counselor", "counsellor", "librarian", "paralegal", "attorney", "clinician",
    "practitioner", "hygienist", "phlebotomist", "technologist", "generalist", "strategist",
    "educator", "professor", "repairman", "lineman", "craftsman", "tradesman", "handyman",
    "firefighter", "airman", "courier", "advisor", "adviser", "investigator", "dealer",
    "contractor", "subcontractor", "liaison", "facilitator", "transcriptionist", "typist",
    "chef", "screener", "handler", "nanny", "leader",
)  # fmt: skip

# Lines of work and the words that qualify a job ("Timeshare Sales", "Line Cook"). Trades that
# are also common surnames (cook, baker, driver, carpenter, mason, porter) are not job words
# on their own: with a qualifier they are caught here, without one they are a person.
_FIELDS = (
    "sales", "construction", "management", "healthcare", "health", "finance", "financial",
    "accounting", "accounts", "aviation", "aircraft", "hydraulics", "avionics", "electronics",
    "engineering", "marketing", "it", "design", "operations", "services", "service", "customer",
    "retail", "security", "quality", "assurance", "maintenance", "logistics", "research",
    "clinical", "medical", "business", "information", "technology", "technologies",
    "education", "project", "projects", "program", "product", "data", "network", "systems",
    "software", "hardware", "human", "resources", "payroll", "tax", "audit", "legal",
    "office", "administrative", "general", "facilities", "planning", "production",
    "manufacturing", "warehouse", "inventory", "property", "insurance", "banking",
    "investment", "compliance", "procurement", "purchasing", "supply", "transportation",
    "safety", "environmental", "electrical", "mechanical", "civil", "structural", "industrial",
    "commercial", "residential", "pharmaceutical", "dental", "nursing", "patient", "teaching",
    "classroom", "communications", "digital", "graphic", "creative", "hospitality",
    "restaurant", "kitchen", "hotel", "airline", "flight", "cabin", "ramp", "baggage",
    "cargo", "freight", "truck", "delivery", "shipping", "receiving", "desk", "technical",
    "entry", "level", "timeshare", "automotive", "vehicle", "heavy", "equipment", "pipeline",
    "utility", "crew", "department", "corporate", "deputy", "acting", "interim", "certified",
    "licensed", "registered", "vocational", "substitute", "elementary", "preschool",
    "kindergarten", "math", "science", "biology", "military", "army", "navy", "police",
    "emergency", "line", "prep", "sous", "pastry", "grill", "bus", "taxi", "forklift",
    "route", "school", "finish", "framing", "brick", "assistant", "apprentice", "car",
    "team", "risk", "bpo",
)  # fmt: skip

# Job stems whose longer words are not jobs ("пилотный проект", "строительство", "пекарня",
# "технологии", "рабочее место"): fine to keep a name out, wrong to mark a job header.
_NAME_ONLY_STEMS = (
    "рабоч", "пилот", "строител", "мастер", "технолог", "психолог", "фармацевт", "сантехник",
    "токар", "пекар", "столяр", "кузнец", "штукатур",
)  # fmt: skip

# Russian surnames grow from trades ("Токарев", "Плотникова", "Мастеров"): a stem followed by
# a surname ending is a person, not a job.
_SURNAME_END = r"(?!\w*(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая)(?![^\W\d_]))"
_CYRILLIC = re.compile(r"[а-яё]", re.I)


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_LATIN_STEMS = tuple(w for w in _TITLE_STEMS if not _CYRILLIC.search(w))
_CYRILLIC_STEMS = tuple(w for w in _TITLE_STEMS if _CYRILLIC.search(w))

TITLE_WORDS = re.compile(
    rf"(?<![^\W\d_])(?:(?:{_alternatives(_LATIN_STEMS)})\w*"
    rf"|(?:{_alternatives(_CYRILLIC_STEMS)}){_SURNAME_END}\w*)",
    re.I,
)
_OCCUPATION = re.compile(
    rf"(?<![^\W\d_])(?:(?:{_alternatives(_LATIN_STEMS)})(?:s|es)?(?![^\W\d_])"
    rf"|(?:{_alternatives(_CYRILLIC_STEMS + _NAME_ONLY_STEMS)}){_SURNAME_END}\w*)",
    re.I,
)
_FIELD = re.compile(rf"(?<![^\W\d_])(?:{_alternatives(_FIELDS)})(?![^\W\d_])", re.I)


def is_occupation(line: str) -> bool:
    """True when `line` names a job or a line of work rather than a person.

    "Construction Worker", "Merchandiser, Sales", "Line Cook", "Ведущий инженер" are jobs;
    "Tim Cook", "Anna Stafford", "Токарев Иван" are people.
    """
    return bool(_OCCUPATION.search(line) or _FIELD.search(line))
