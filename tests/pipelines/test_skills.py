"""The skill dictionary: aliases in both languages, whole-token matching, ambiguous short names."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from pipelines.skills import (
    all_skills,
    canonical_skill,
    find_skills,
    normalize_skills,
    skill_category,
)


@pytest.mark.parametrize(
    ("canonical", "aliases"),
    [
        ("PostgreSQL", ["Postgres", "PostgreSQL", "postgresql", "постгрес", "постгресе", "PG"]),
        ("JavaScript", ["JS", "JavaScript", "javascript", "джаваскрипт", "джаваскрипте"]),
        ("Machine Learning", ["ML", "machine learning", "машинное обучение", "машинного обучения"]),
        ("Excel", ["Excel", "MS Excel", "эксель", "экселе", "экселем"]),
        ("1C", ["1С", "1C", "1С:Предприятие", "1С:Бухгалтерия"]),
        ("Negotiations", ["переговоры", "ведение переговоров", "negotiations", "Negotiation"]),
        ("Kubernetes", ["k8s", "K8S", "кубернетес", "Kubernetes"]),
        ("C++", ["C++", "c++", "cpp"]),
        ("C#", ["C#", "c#", "C Sharp"]),
        (".NET", [".NET", ".net core", "dotnet"]),
        ("Node.js", ["Node.js", "NodeJS", "node js"]),
        ("Go", ["Go", "golang", "Golang"]),
        ("A/B Testing", ["A/B testing", "A/B-тесты", "A/B тестирование", "АБ-тесты"]),
        ("Python", ["Python 3.11", "питон", "python3"]),
    ],
)
def test_aliases_resolve_to_one_canonical_name(canonical: str, aliases: list[str]) -> None:
    assert {canonical_skill(alias) for alias in aliases} == {canonical}


def test_unknown_or_empty_names_do_not_resolve() -> None:
    assert canonical_skill("") is None
    assert canonical_skill("   ") is None
    assert canonical_skill("Basket weaving") is None
    assert canonical_skill("Python/Django") is None  # two skills, not one


def test_postgres_spellings_in_text_are_one_skill() -> None:
    text = "Работал с Postgres и PostgreSQL; в постгресе настраивал репликацию."
    assert find_skills(text) == ["PostgreSQL"]


def test_russian_inflections_are_found() -> None:
    text = (
        "Строил модели машинного обучения, считал отчёты в экселе, "
        "вёл переговоры с поставщиками, писал на джаваскрипте и 1С."
    )
    assert find_skills(text) == ["Machine Learning", "Excel", "Negotiations", "JavaScript", "1C"]


def test_results_keep_first_appearance_order_without_duplicates() -> None:
    text = "Docker, Python, docker-compose, Python 3, SQL, Docker"
    assert find_skills(text) == ["Docker", "Python", "SQL"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Senior JavaScript developer", ["JavaScript"]),  # not Java
        ("Java and JavaScript", ["Java", "JavaScript"]),
        ("I am good at teamwork and goal setting", ["Teamwork"]),  # no Go in good/goal
        ("Research and R&D, Ruby on Rails", ["Ruby on Rails"]),  # no R
        ("Written in C++ and C#, some .NET and ASP.NET Core", ["C++", "C#", ".NET", "ASP.NET"]),
        ("Languages: C/C++, C#", ["C", "C++", "C#"]),  # bare "C" only as a list item
        ("Node.js, Vue.js and Next.js services", ["Node.js", "Vue.js", "Next.js"]),
        ("Migrated the backend to Go.", ["Go"]),  # exact case, not at a sentence start
        ("Go to market strategy for B2B clients.", []),  # sentence start, prose
        ("Graduated in Spring 2020, then used Spring Boot.", ["Spring Boot"]),
        ("We made a net profit. Net margin grew.", []),  # not .NET
        ("I excel at negotiations", ["Negotiations"]),  # not Excel
        ("i like js and pg a lot", []),  # lowercase short names in prose
    ],
)
def test_whole_token_matching_and_ambiguous_names(text: str, expected: list[str]) -> None:
    assert find_skills(text) == expected


def test_short_names_count_inside_lists_and_skills_sections() -> None:
    assert find_skills("Python, R, SQL") == ["Python", "R", "SQL"]
    assert find_skills("- Go\n- Docker\n") == ["Go", "Docker"]
    assert find_skills("Stack: js, pg, go") == ["JavaScript", "PostgreSQL", "Go"]
    assert find_skills("python go r", skills_section=True) == ["Python", "Go", "R"]
    assert find_skills("python go r") == ["Python"]


def test_hyphen_and_space_are_interchangeable() -> None:
    assert find_skills("Python-разработчик, T-SQL, scikit learn") == [
        "Python",
        "T-SQL",
        "scikit-learn",
    ]


def test_normalize_skills_dedupes_splits_compounds_and_drops_unknowns() -> None:
    names = ["Postgres", "PostgreSQL", "постгрес", "Python/Django", "SQL (MySQL)", "Underwater"]
    assert normalize_skills(names) == ["PostgreSQL", "Python", "Django", "SQL", "MySQL"]
    assert normalize_skills([]) == []


def test_dictionary_is_large_and_every_name_and_alias_resolves_to_itself() -> None:
    raw = resources.files("pipelines").joinpath("data/skills.json").read_text(encoding="utf-8")
    data = json.loads(raw)["skills"]
    names = all_skills()
    assert len(names) >= 500 and len(set(names)) == len(names)
    for entry in data:
        assert canonical_skill(entry["name"]) == entry["name"]
        for alias in entry.get("aliases", []) + entry.get("short", []) + entry.get("listed", []):
            assert canonical_skill(alias.replace("*", "")) == entry["name"], alias
    categories = {skill_category(name) for name in names}
    assert {"language", "database", "devops", "data", "testing", "design", "soft"} <= categories
    professions = {"finance", "healthcare", "education", "culinary", "construction", "aviation"}
    assert professions | {"engineering", "hr", "sales", "logistics"} <= categories
    assert skill_category("Not a skill") is None


def test_a_two_page_resume_is_scanned_whole() -> None:
    line = "Разработка сервисов на Python, FastAPI и PostgreSQL; деплой в Kubernetes через Helm.\n"
    text = line * 80 + "Ключевые навыки: Go, Redis, ClickHouse\n"
    assert find_skills(text) == [
        "Python",
        "FastAPI",
        "PostgreSQL",
        "Kubernetes",
        "Helm",
        "Go",
        "Redis",
        "ClickHouse",
    ]


# --- Professions beyond IT, everyday forms, and words that are skills only sometimes ---------


@pytest.mark.parametrize(
    ("canonical", "aliases"),
    [
        (
            "Teaching",
            ["Teacher", "teachers", "taught", "classroom", "учитель", "учителем", "педагогом"],
        ),
        ("Accounts Receivable", ["accounts receivable", "A/R", "дебиторская задолженность"]),
        ("Accounts Payable", ["Accounts Payable", "кредиторской задолженности"]),
        ("IFRS", ["IFRS", "МСФО"]),
        ("Russian Accounting Standards", ["РСБУ"]),
        ("Tax Accounting", ["tax returns", "налоговый учёт", "налогового учета"]),
        ("VAT", ["VAT", "НДС"]),
        ("Payroll", ["payroll", "расчёт заработной платы", "расчета заработной платы"]),
        ("General Ledger", ["general ledger", "journal entries", "главная книга"]),
        ("Nursing", ["RN", "registered nurse", "сестринское дело", "медсестрой"]),
        ("Electronic Health Records", ["EMR", "EHR", "electronic medical records"]),
        ("CPR", ["CPR", "сердечно-лёгочная реанимация"]),
        ("Phlebotomy", ["venipuncture", "забор крови"]),
        ("Lesson Planning", ["lesson plans", "планирование уроков", "поурочное планирование"]),
        ("Classroom Management", ["classroom management", "behavior management"]),
        ("Special Education", ["IEP", "special needs", "инклюзивное образование"]),
        ("FGOS", ["ФГОС", "ФГОС НОО"]),
        ("Culinary Arts", ["Sous Chef", "line cook", "cooking", "повар", "поваром"]),
        ("Food Safety", ["ServSafe", "food safety", "пищевой безопасности"]),
        ("HACCP", ["HACCP", "ХАССП"]),
        ("Cost Estimating", ["cost estimating", "сметы", "составление смет"]),
        ("Welding", ["welding", "сварщиком", "сварочные работы"]),
        ("Occupational Safety", ["jobsite safety", "охрана труда", "охраны труда"]),
        (
            "Aircraft Maintenance",
            ["aircraft maintenance", "техническое обслуживание воздушных судов"],
        ),
        ("A&P License", ["A&P", "airframe and powerplant"]),
        ("AutoCAD", ["AutoCAD", "автокаде"]),
        ("SolidWorks", ["SolidWorks", "Solid Works"]),
        ("KOMPAS-3D", ["КОМПАС-3D", "Компас"]),
        ("PLC Programming", ["PLC", "PLCs", "программирование ПЛК"]),
        ("Recruiting", ["подбор персонала", "recruiter", "talent acquisition"]),
        ("Human Resources", ["HR", "HR generalist", "менеджер по персоналу"]),
        ("Cold Calling", ["холодные звонки", "cold calls", "telemarketing"]),
        ("Logistics", ["logistics", "Logistics", "supply chain management", "логистика"]),
    ],
)
def test_other_professions_resolve_in_both_languages(canonical: str, aliases: list[str]) -> None:
    assert {canonical_skill(alias) for alias in aliases} == {canonical}


@pytest.mark.parametrize(
    ("skill", "category"),
    [
        ("Teaching", "education"),
        ("Nursing", "healthcare"),
        ("General Ledger", "finance"),
        ("Culinary Arts", "culinary"),
        ("Blueprint Reading", "construction"),
        ("Avionics", "aviation"),
        ("SolidWorks", "engineering"),
        ("HRIS", "hr"),
        ("Logistics", "logistics"),
    ],
)
def test_new_professions_have_their_own_categories(skill: str, category: str) -> None:
    assert skill_category(skill) == category


def test_solid_knowledge_of_labor_law_is_not_the_solid_principles() -> None:
    text = "Solid knowledge of labor law and HR administration."
    assert find_skills(text) == ["Labour Law", "HR Administration"]
    # A requirement line read as a skills list must not turn "solid" into SOLID either.
    assert find_skills("solid knowledge of labor law", skills_section=True) == ["Labour Law"]
    assert find_skills("SOLID", skills_section=True) == []
    assert find_skills("Principles: SOLID, DRY, KISS") == ["Design Patterns"]
    assert find_skills("Знание принципов SOLID") == ["Design Patterns"]
    assert find_skills("Applies SOLID principles daily.") == ["Design Patterns"]


def test_teacher_and_classroom_credit_teaching() -> None:
    assert find_skills("Teacher\nLed daily classroom activities for 25 pupils.") == ["Teaching"]
    assert find_skills("Taught grade 3 math and reading.") == ["Teaching"]
    assert find_skills("Работала учителем начальных классов, затем педагогом.") == ["Teaching"]
    # A longer phrase names the more specific skill, and self-taught is not teaching.
    assert find_skills("Strong classroom management.") == ["Classroom Management"]
    assert find_skills("Self-taught in Python.") == ["Learnability", "Python"]


def test_resumes_of_other_professions_yield_their_hard_skills() -> None:
    nurse = (
        "Registered nurse in a 30-bed unit: patient care, medication administration, IV therapy, "
        "vital signs; BLS and ACLS certified; charting in Epic."
    )
    assert find_skills(nurse) == [
        "Nursing",
        "Patient Care",
        "Medication Administration",
        "IV Therapy",
        "Vital Signs",
        "BLS",
        "ACLS",
        "Clinical Documentation",
        "Electronic Health Records",
    ]
    chef = "Sous chef: menu development, food cost control, HACCP and ServSafe; kitchen inventory."
    assert find_skills(chef) == [
        "Culinary Arts",
        "Menu Development",
        "Food Cost Control",
        "HACCP",
        "Food Safety",
        "Inventory Management",
    ]
    accountant = (
        "Вела учёт дебиторской задолженности, готовила отчётность по МСФО и РСБУ, начисляла НДС."
    )
    assert find_skills(accountant) == [
        "Accounts Receivable",
        "Reporting",
        "IFRS",
        "Russian Accounting Standards",
        "VAT",
    ]
    engineer = "Инженер-конструктор: SolidWorks, КОМПАС-3D, AutoCAD, чертежи по ЕСКД."
    assert find_skills(engineer) == [
        "Mechanical Engineering",
        "SolidWorks",
        "KOMPAS-3D",
        "AutoCAD",
        "Technical Drawing",
    ]
    builder = "Сметчик: составление смет, технадзор на объектах, охрана труда."
    assert find_skills(builder) == ["Cost Estimating", "Site Supervision", "Occupational Safety"]
    mechanic = "A&P mechanic: aircraft maintenance per FAA regulations, avionics repair."
    assert find_skills(mechanic) == [
        "A&P License",
        "Aircraft Maintenance",
        "Aviation Regulations",
        "Avionics",
    ]


def test_a_company_named_after_a_domain_is_not_the_skill() -> None:
    assert find_skills("Dispatcher at Brightline Logistics, Denver.") == []
    assert find_skills("Cashier at Apex Retail Group; receptionist at Smith Law Group.") == [
        "Cash Handling",
        "Office Administration",
    ]
    # The skill itself still counts: a specific phrase, the word in prose, or a skills-list line.
    assert find_skills("Led supply chain management for three plants.") == ["Logistics"]
    assert find_skills("Coordinated logistics for company events.") == ["Logistics"]
    assert find_skills("Skills\nLogistics\nExcel\n") == ["Logistics", "Excel"]
    assert find_skills("Four years in retail, then store management.") == ["Retail"]
    assert find_skills("Legal research and litigation support.") == ["Law"]


@pytest.mark.parametrize(
    "text",
    [
        "Worked on the assembly line.",  # not the Assembly language
        "Kept rooms clean, safe, and comfortable.",  # not SAFe
        "A positive outlook; keynote speaker at the fair.",  # not Outlook, not Keynote
        "Sourcing local produce for the menu.",  # not Recruiting
        "Planned social networking events.",  # not Networking
        "Reporting to the CFO.",  # not Reporting
        "Embedded in a cross-functional team.",  # not Embedded Systems
        "Prepped celery and onions for the line.",  # not Celery
        "Concrete examples of results.",  # not Concrete Work
        "A blueprint for growth; estimating the timeline.",  # not Blueprints, Estimating
        "Ran a pilot project; the insurance covered it.",  # not Piloting, not Insurance
    ],
)
def test_ordinary_words_in_prose_are_not_skills(text: str) -> None:
    assert find_skills(text) == []


def test_ambiguous_words_still_count_where_they_are_skills() -> None:
    assert find_skills("Languages: C, Assembly") == ["C", "Assembly"]
    assert find_skills("Skilled at interpreting blueprints") == ["Blueprint Reading"]
    assert find_skills("Defended against SQL injections") == ["SQL"]
    assert find_skills("Outlook, Word, Access") == ["MS Office", "MS Word", "Microsoft Access"]
    assert find_skills("Built DAGs in Airflow and tasks in Celery.") == ["Airflow", "Celery"]
