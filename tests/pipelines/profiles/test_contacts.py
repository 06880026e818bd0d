"""Contacts are the candidate's own: never a referee's, a supervisor's or a school's."""

from __future__ import annotations

from datetime import date

from pipelines.profiles import OfflineProfileEngine

ENGINE = OfflineProfileEngine(today=date(2024, 6, 15))

WITH_REFERENCES = """John Smith
Austin, TX 78701
john.smith@example.com | (512) 555-0134

Experience
Cashier, 03/2014 to 03/2015, Company Name, Austin, TX
Supervisor: Paul Ayres (916) 212-0053.
Telephone # 414-764-2474.

Education
Oak Creek High School, Austin, TX
Telephone # 414-768-6210

References
Melissa Arnold 910-574-3862 melissa.arnold@example.com
"""

ONLY_REFERENCES = """SALES ASSOCIATE
Summary
Friendly sales associate with five years in retail.
Experience
01/2015 to Current
Sales Associate Company Name City , State
Supervisor: Tomeka Haddock -may be contacted (252) 493-4081.
Professional Affiliations
Child Development Association 89 Grove Way, Roswell, Georgia 770-992-4006
References
Stephanie Williams 910-489-3215 s.williams@example.com
Рекомендации
Иванов Пётр, руководитель отдела, +7 916 000-00-01, ivanov@example.ru
"""


def test_the_header_contacts_win_over_everyone_elses() -> None:
    profile = ENGINE.extract_profile(WITH_REFERENCES)
    assert profile.email == "john.smith@example.com"
    assert profile.phone == "+15125550134"


def test_referees_supervisors_and_affiliations_give_no_contacts() -> None:
    profile = ENGINE.extract_profile(ONLY_REFERENCES)
    assert (profile.email, profile.phone, profile.full_name) == (None, None, None)


def test_russian_references_give_no_contacts() -> None:
    text = """Смирнова Анна
Опыт работы
Январь 2019 — настоящее время
ООО «Альфа», аналитик
Рекомендации
Петров Иван, ООО «Альфа», руководитель
+7 (916) 000-11-22, petrov@alfa.ru
"""
    profile = ENGINE.extract_profile(text)
    assert (profile.email, profile.phone) == (None, None)


def test_contacts_in_a_contacts_section_and_about_me_are_found() -> None:
    text = """Summary
Backend developer.
Contact information
Email: dev@example.com
Phone: +44 20 7946 0958
"""
    profile = ENGINE.extract_profile(text)
    assert (profile.email, profile.phone) == ("dev@example.com", "+442079460958")


def test_a_labelled_email_wins_over_a_social_login() -> None:
    text = "TEACHER\nFacebook: teacher4kids@yahoo.com\nEmail: mariela.perez@gmail.com\n"
    assert ENGINE.extract_profile(text).email == "mariela.perez@gmail.com"


def test_a_supervisor_line_in_the_header_is_skipped() -> None:
    text = "Jane Doe\nSupervisor: Bob Ray, bob.ray@example.com\njane@example.com\n"
    assert ENGINE.extract_profile(text).email == "jane@example.com"
