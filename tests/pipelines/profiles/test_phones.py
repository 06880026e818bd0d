"""Phones in E.164 with the country the resume points to, never a guessed "+7"."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.profiles import OfflineProfileEngine
from pipelines.profiles.contacts import normalize_phone as normalize_phone_from_contacts
from pipelines.profiles.phones import country_hints, find_phone, normalize_phone

ENGINE = OfflineProfileEngine(today=date(2024, 6, 15))


@pytest.mark.parametrize(
    ("raw", "regions", "phone"),
    [
        ("8 (916) 123-45-67", (), "+79161234567"),  # the trunk 8 says Russia
        ("916 123-45-67", (), "+79161234567"),  # so do 2-2 groups
        ("+7 (926) 555-12-34", ("US",), "+79265551234"),  # a country code beats hints
        ("910-432-2392", ("US",), "+19104322392"),
        ("(916) 212-0053", (), "+19162120053"),  # North American grouping
        ("9104322392", (), None),  # Russian mobile or North Carolina: unknown
        ("9104322392", ("RU",), "+79104322392"),
        ("09643890956", (), None),
        ("09643890956", ("IN",), "+919643890956"),
        ("020 7946 0958", ("GB",), "+442079460958"),
        ("0049 30 1234567", (), "+49301234567"),
        ("+1 (415) 555-0132", (), "+14155550132"),
        ("20131136453", ("US",), None),  # a membership number, not a phone
        ("12-34", (), None),
    ],
)
def test_normalize_phone(raw: str, regions: tuple[str, ...], phone: str | None) -> None:
    assert normalize_phone(raw, regions) == phone


def test_normalize_phone_is_still_importable_from_contacts() -> None:
    assert normalize_phone_from_contacts("8 (916) 123-45-67") == "+79161234567"


@pytest.mark.parametrize(
    ("text", "head", "first"),
    [
        ("Jane Doe\nRaleigh, NC 27601\n", "", "US"),
        ("Company Name City , State\nSales Associate", "", "US"),
        ("Иван Петров\nОпыт работы\nРазработка", "", "RU"),
        ("Anna Lee\nLondon, United Kingdom", "", "GB"),
        ("Worked for a client in the USA", "Current location: Kochi, India", "IN"),
    ],
)
def test_country_hints(text: str, head: str, first: str) -> None:
    assert country_hints(text, head)[0] == first


def test_no_hints_in_a_text_that_names_no_place() -> None:
    assert country_hints("Jane Doe\nSkills: Python") == []


def test_find_phone_prefers_a_labelled_line_and_skips_year_ranges() -> None:
    text = "2017 - 2019 Acme\nFax 8 (495) 111-22-33\nPhone: 8 (916) 123-45-67\n"
    assert find_phone(text) == "+79161234567"


def test_a_us_resume_gets_a_us_number() -> None:
    text = """Jane Doe
Raleigh, NC 27601 | 910-432-2392 | jane.doe@example.com
Experience
Cashier, 05/2016 to 07/2016, Company Name, Raleigh, NC
"""
    assert ENGINE.extract_profile(text).phone == "+19104322392"


def test_a_russian_resume_keeps_russian_numbers() -> None:
    text = "Петров Иван\nМосква\nТелефон: 916 123 45 67\nОпыт работы\n"
    assert ENGINE.extract_profile(text).phone == "+79161234567"


def test_a_number_of_unknown_country_stays_unknown() -> None:
    assert ENGINE.extract_profile("Jane Doe\nPhone: 9104322392\n").phone is None
