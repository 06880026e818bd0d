"""The candidate's time zone from a resume's location text, else the phone, else a default."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict

import pytest

from pipelines import candidate_zone as module
from pipelines.candidate_zone import candidate_zone

DEFAULT = "Europe/Moscow"


def _from_location(location: str) -> str:
    return candidate_zone(location=location, phone=None, default="UTC")


def _from_phone(phone: str) -> str:
    return candidate_zone(location=None, phone=phone, default="UTC")


@pytest.mark.parametrize(
    ("location", "zone"),
    [
        ("Москва", "Europe/Moscow"),
        ("г. Новосибирск, Россия", "Asia/Novosibirsk"),
        ("Saint Petersburg", "Europe/Moscow"),
        ("Санкт-Петербург, готов к переезду", "Europe/Moscow"),
        ("St. Petersburg, Russia", "Europe/Moscow"),
        ("Екатеринбург", "Asia/Yekaterinburg"),
        ("Ekaterinburg, Sverdlovsk oblast", "Asia/Yekaterinburg"),
        ("Almaty, Kazakhstan", "Asia/Almaty"),
        ("Remote (Minsk)", "Europe/Minsk"),
        ("London, UK", "Europe/London"),
        ("New York, NY", "America/New_York"),
        ("Berlin", "Europe/Berlin"),
        ("Tbilisi", "Asia/Tbilisi"),
        ("Ташкент", "Asia/Tashkent"),
        ("Kyiv / Київ", "Europe/Kyiv"),
        ("Владивосток", "Asia/Vladivostok"),
        ("Калининград", "Europe/Kaliningrad"),
        ("Самара", "Europe/Samara"),
        ("Izhevsk", "Europe/Samara"),
        ("Ульяновск", "Europe/Ulyanovsk"),
        ("Челябинск", "Asia/Yekaterinburg"),
        ("Пермь", "Asia/Yekaterinburg"),
        ("Уфа, Республика Башкортостан", "Asia/Yekaterinburg"),
        ("Омск", "Asia/Omsk"),
        ("Томск", "Asia/Tomsk"),
        ("Барнаул", "Asia/Barnaul"),
        ("Кемерово", "Asia/Novokuznetsk"),
        ("Красноярск", "Asia/Krasnoyarsk"),
        ("Иркутск", "Asia/Irkutsk"),
        ("Чита", "Asia/Chita"),
        ("Якутск", "Asia/Yakutsk"),
        ("Хабаровск", "Asia/Vladivostok"),
        ("Магадан", "Asia/Magadan"),
        ("Петропавловск-Камчатский", "Asia/Kamchatka"),
        ("Нижний Новгород", "Europe/Moscow"),
        ("Ростов-на-Дону", "Europe/Moscow"),
        ("Орёл", "Europe/Moscow"),
        ("Орел", "Europe/Moscow"),
        ("Кишинёв", "Europe/Chisinau"),
        ("Chișinău, Moldova", "Europe/Chisinau"),
        ("İstanbul", "Europe/Istanbul"),
        ("Bakı, Azerbaijan", "Asia/Baku"),
        ("Yerevan, Armenia", "Asia/Yerevan"),
        ("Бишкек", "Asia/Bishkek"),
        ("Душанбе", "Asia/Dushanbe"),
        ("Харків", "Europe/Kyiv"),
        ("Belgrade, Serbia", "Europe/Belgrade"),
        ("Limassol, Cyprus", "Asia/Nicosia"),
        ("Dubai, UAE", "Asia/Dubai"),
        ("Tel Aviv-Yafo, Israel", "Asia/Jerusalem"),
        ("Warszawa", "Europe/Warsaw"),
        ("Bali, Indonesia", "Asia/Makassar"),
        ("Bangkok", "Asia/Bangkok"),
        ("Lisbon, Portugal", "Europe/Lisbon"),
        ("München", "Europe/Berlin"),
        ("Bengaluru, Karnataka, India", "Asia/Kolkata"),
        ("Toronto, ON", "America/Toronto"),
        ("San Francisco Bay Area", "America/Los_Angeles"),
        ("CITY MOSCOW", "Europe/Moscow"),
        # The earliest city wins: where they live comes before where they would move.
        ("Москва, готов к переезду: Белград", "Europe/Moscow"),
    ],
)
def test_a_named_city_gives_its_zone(location: str, zone: str) -> None:
    assert _from_location(location) == zone


@pytest.mark.parametrize(
    ("location", "zone"),
    [
        ("Plano, TX", "America/Chicago"),
        ("Plano, TX 75024", "America/Chicago"),
        ("Irvine, CA", "America/Los_Angeles"),
        ("Stamford, CT, USA", "America/New_York"),
        ("Boulder, CO", "America/Denver"),
        ("Plano, Texas, United States", "America/Chicago"),
        ("Redmond, Washington, United States", "America/Los_Angeles"),
    ],
)
def test_a_us_state_gives_its_dominant_zone(location: str, zone: str) -> None:
    assert _from_location(location) == zone


@pytest.mark.parametrize(
    ("location", "zone"),
    [
        ("Россия", "Europe/Moscow"),
        ("Russian Federation", "Europe/Moscow"),
        ("Some village, Kazakhstan", "Asia/Almaty"),
        ("Грузия", "Asia/Tbilisi"),
        ("Remote, USA", "America/New_York"),
        ("Сербия", "Europe/Belgrade"),
    ],
)
def test_a_country_is_the_fallback_when_no_city_is_named(location: str, zone: str) -> None:
    assert _from_location(location) == zone


def test_a_city_beats_its_country_whatever_the_order() -> None:
    assert _from_location("Россия, Красноярск") == "Asia/Krasnoyarsk"


@pytest.mark.parametrize(
    ("location", "zone"),
    [
        ("Tomsk", "Asia/Tomsk"),  # not Omsk
        ("Томская область", "UTC"),  # neither Tomsk nor Omsk as a word
        ("Permanent remote", "UTC"),  # not Perm
        ("Ufaley", "UTC"),  # not Ufa
        ("Minsker", "UTC"),
        ("Отвечу в течение дня", "UTC"),
        ("Los Angeles; in office", "America/Los_Angeles"),
        ("Lives in Springfield, or nearby", "UTC"),  # ", or" is a word, not Oregon
    ],
)
def test_names_match_whole_words_only(location: str, zone: str) -> None:
    assert _from_location(location) == zone


@pytest.mark.parametrize(
    ("phone", "zone"),
    [
        ("+79161234567", "Europe/Moscow"),
        ("+7 (916) 123-45-67", "Europe/Moscow"),
        ("89161234567", "Europe/Moscow"),  # Russian trunk prefix
        ("79161234567", "Europe/Moscow"),
        ("+77011234567", "Asia/Almaty"),
        ("+7 727 123 4567", "Asia/Almaty"),
        ("375291234567", "Europe/Minsk"),
        ("+380501234567", "Europe/Kyiv"),
        ("+998901234567", "Asia/Tashkent"),
        ("+996555123456", "Asia/Bishkek"),
        ("+994501234567", "Asia/Baku"),
        ("+37491123456", "Asia/Yerevan"),
        ("+995555123456", "Asia/Tbilisi"),
        ("+37369123456", "Europe/Chisinau"),
        ("+992901234567", "Asia/Dushanbe"),
        ("+1 212 555 1234", "America/New_York"),
        ("0044 20 7946 0958", "Europe/London"),
        ("+4915112345678", "Europe/Berlin"),
        ("+381641234567", "Europe/Belgrade"),
        ("+35799123456", "Asia/Nicosia"),
        ("+905321234567", "Europe/Istanbul"),
        ("+971501234567", "Asia/Dubai"),
        ("+972501234567", "Asia/Jerusalem"),
        ("+919812345678", "Asia/Kolkata"),
        ("+66812345678", "Asia/Bangkok"),
    ],
)
def test_the_calling_code_gives_the_zone(phone: str, zone: str) -> None:
    assert _from_phone(phone) == zone


@pytest.mark.parametrize("phone", ["9161234567", "123", "", "+", "not a phone", "+0 123"])
def test_numbers_without_a_known_country_fall_through(phone: str) -> None:
    assert _from_phone(phone) == "UTC"


def test_location_beats_phone_and_phone_beats_default() -> None:
    relocated = candidate_zone(location="Белград", phone="+79161234567", default=DEFAULT)
    assert relocated == "Europe/Belgrade"
    assert candidate_zone(location="Remote", phone="+77011234567", default=DEFAULT) == (
        "Asia/Almaty"
    )
    assert candidate_zone(location=None, phone=None, default=DEFAULT) == DEFAULT
    assert candidate_zone(location="", phone="", default="UTC") == "UTC"
    assert candidate_zone(location="Somewhere nice", phone="12", default="UTC") == "UTC"


def test_every_zone_in_the_tables_is_a_real_zone() -> None:
    zones = {
        *module._CITIES,
        *module._US_STATES,
        *module._COUNTRIES,
        *module._CALLING_CODES.values(),
    }
    for zone in sorted(zones):
        zoneinfo.ZoneInfo(zone)  # raises for an unknown name


@pytest.mark.parametrize("table", ["_CITIES", "_COUNTRIES"])
def test_no_name_is_claimed_by_two_zones(table: str) -> None:
    claims: dict[str, set[str]] = defaultdict(set)
    for zone, names in getattr(module, table).items():
        for name in names.split("|"):
            claims[module._fold(name)].add(zone)
    assert {name: zones for name, zones in claims.items() if len(zones) > 1} == {}


def test_every_us_state_code_appears_once() -> None:
    codes = [code for codes, _ in module._US_STATES.values() for code in codes.split()]
    assert len(codes) == len(set(codes)) == 51  # fifty states and DC


@pytest.mark.parametrize(
    ("phone", "zone"),
    [
        ("+7 (423) 212-34-56", "Asia/Vladivostok"),  # a Vladivostok landline
        ("+1 415 555 0100", "America/Los_Angeles"),  # San Francisco's area code
        ("+7 916 123-45-67", "Europe/Moscow"),  # a mobile range spans Russia: the code decides
    ],
)
def test_a_numbering_plan_with_one_zone_beats_the_calling_code(phone: str, zone: str) -> None:
    assert candidate_zone(location=None, phone=phone, default="UTC") == zone
