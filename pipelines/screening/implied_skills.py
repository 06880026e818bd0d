"""Skills that show other skills: a PostgreSQL user knows SQL, an IFRS accountant accounting.

Screening credits a requirement when the profile names it or a skill that implies it, so a
vacancy asking for the general skill is met by a resume naming a specific one.
"""

from __future__ import annotations

from pipelines.models import Profile


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


# Knowing the left skill implies the right ones (a PostgreSQL user knows SQL).
IMPLIES: dict[str, tuple[str, ...]] = {
    "PostgreSQL": ("SQL",), "MySQL": ("SQL",), "MariaDB": ("SQL", "MySQL"), "SQLite": ("SQL",),
    "Oracle": ("SQL",), "MS SQL Server": ("SQL", "T-SQL"), "ClickHouse": ("SQL",),
    "PL/SQL": ("SQL",), "T-SQL": ("SQL",), "Greenplum": ("SQL",),
    "Django": ("Python",), "Django REST Framework": ("Django", "Python", "REST API"),
    "Flask": ("Python",), "FastAPI": ("Python", "REST API"), "aiohttp": ("Python", "asyncio"),
    "Pytest": ("Python",), "Pandas": ("Python",), "SQLAlchemy": ("Python",),
    "Spring Boot": ("Spring", "Java"), "Spring": ("Java",), "Hibernate": ("Java",),
    "ASP.NET": (".NET", "C#"), "Entity Framework": (".NET",), "TypeScript": ("JavaScript",),
    "React": ("JavaScript",), "Vue.js": ("JavaScript",), "Angular": ("TypeScript",),
    "Next.js": ("React", "JavaScript"), "Nuxt.js": ("Vue.js", "JavaScript"),
    "NestJS": ("Node.js", "TypeScript"), "Express": ("Node.js",), "Node.js": ("JavaScript",),
    "Laravel": ("PHP",), "Symfony": ("PHP",), "Yii": ("PHP",), "Ruby on Rails": ("Ruby",),
    "Jetpack Compose": ("Android", "Kotlin"), "SwiftUI": ("iOS", "Swift"), "UIKit": ("iOS",),
    "Flutter": ("Dart",), "Scrum": ("Agile",), "Kanban": ("Agile",), "Helm": ("Kubernetes",),
    "OpenShift": ("Kubernetes",), "GitLab CI": ("CI/CD", "Git"), "GitHub Actions": ("CI/CD", "Git"),
    "Jenkins": ("CI/CD",), "ArgoCD": ("CI/CD", "Kubernetes"), "B2B Sales": ("Sales",),
    "B2C Sales": ("Sales",), "amoCRM": ("CRM",), "Bitrix24": ("CRM",),
    "PyTorch": ("Deep Learning",), "TensorFlow": ("Deep Learning",),
    "Deep Learning": ("Machine Learning",), "scikit-learn": ("Machine Learning",),
    "Google Sheets": ("Excel",),
    # Trades beyond IT: the specific skill shows the general one.
    "AutoCAD": ("CAD",), "SolidWorks": ("CAD",), "Revit": ("CAD",), "KOMPAS-3D": ("CAD",),
    "IFRS": ("Accounting",), "GAAP": ("Accounting",),
    "Russian Accounting Standards": ("Accounting",),
    "Tax Accounting": ("Accounting",), "General Ledger": ("Accounting",),
    "Accounts Payable": ("Accounting",), "Accounts Receivable": ("Accounting",),
    "Account Reconciliation": ("Accounting",), "QuickBooks": ("Accounting",),
    "Financial Reporting": ("Accounting",), "FP&A": ("Financial Analysis", "Forecasting"),
    "ACLS": ("BLS", "CPR"), "PALS": ("BLS", "CPR"), "BLS": ("CPR",),
    "IV Therapy": ("Nursing",), "Medication Administration": ("Nursing",),
    "Lesson Planning": ("Teaching",), "Classroom Management": ("Teaching",),
    "Differentiated Instruction": ("Teaching",), "Special Education": ("Teaching",),
    "Curriculum Development": ("Teaching",),
    "Kitchen Management": ("Culinary Arts",), "Menu Development": ("Culinary Arts",),
    "Baking and Pastry": ("Culinary Arts",), "HACCP": ("Food Safety",),
    "HRIS": ("Human Resources",), "Employee Relations": ("Human Resources",),
    "Onboarding": ("Human Resources",), "HR Administration": ("Human Resources",),
    "Cold Calling": ("Sales",), "Lead Generation": ("Sales",),
    "A&P License": ("Aircraft Maintenance",), "Avionics": ("Aircraft Maintenance",),
}  # fmt: skip

_IMPLIED = {_key(k): tuple(_key(s) for s in v) for k, v in IMPLIES.items()}


def candidate_skills(profile: Profile) -> set[str]:
    """The profile's skills and the ones they imply, as case-folded keys."""
    have = {_key(s) for s in profile.skills}
    todo = list(have)
    while todo:
        for implied in _IMPLIED.get(todo.pop(), ()):
            if implied not in have:
                have.add(implied)
                todo.append(implied)
    return have
