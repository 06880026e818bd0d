"""Job headers where title, company and place share a line: the place is cut out first, then
title and company are told apart (real livecareer layouts, anonymised employer)."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.profiles import OfflineProfileEngine
from pipelines.profiles.experience import parse_jobs
from pipelines.profiles.places import cut_places, is_place
from pipelines.screening.scoring import candidate_titles

TODAY = date(2024, 6, 15)


@pytest.mark.parametrize(
    "piece",
    ["Boston, MA", "City , State", "Kansas City, Missouri", "New York, NY", "Москва, Россия",
     "Remote", "Salt Lake City , UT", "Berlin, Germany"],
)  # fmt: skip
def test_places_are_places(piece: str) -> None:
    assert is_place(piece)


@pytest.mark.parametrize(
    "piece",
    ["City Clerk", "Sales Manager", "Manager, HR", "Director, IT", "Acme Corp",
     "Teacher Assistant", "State Farm Insurance"],
)  # fmt: skip
def test_titles_and_companies_are_not_places(piece: str) -> None:
    assert not is_place(piece)


def test_a_place_between_company_and_title_becomes_a_separator() -> None:
    line = cut_places("Acme Corp Tucson, AZ Engineering Technician")
    assert [p.strip() for p in line.split("|")] == ["Acme Corp", "Engineering Technician"]


@pytest.mark.parametrize(
    ("lines", "title", "company"),
    [
        # date line first, then "Title Company – City , State" with no separator before it
        (["09/2009 to Current", "Software Engineering Manager Company Name － City , State"],
         "Software Engineering Manager", "Company Name"),
        # title before the dates, company and place after them on the same line
        (["Inclusion Teacher 01/2010 to 01/2011 Company Name City , State"],
         "Inclusion Teacher", "Company Name"),
        # company and place first, title last (the dates in between are a separator)
        (["Company Name May 2003 to October 2009 Director of Budgets", "City , State"],
         "Director of Budgets", "Company Name"),
        (["Company Name | City , State General Construction Worker 12/2020 - Current"],
         "General Construction Worker", "Company Name"),
        # the anonymised town right after the employer is not part of the title
        (["July 2012", "to", "December 2013", "Company Name City Project Accountant"],
         "Project Accountant", "Company Name"),
        # a real employer: cut after the last job word before the company mark, grade kept
        (["03/2015 to Current", "Engineering Technician III Raytheon Systems Inc – Tucson, AZ"],
         "Engineering Technician III", "Raytheon Systems Inc"),
        # "City Clerk" is a job, not a place
        (["02/2014 to 10/2014", "City Clerk Company Name － City , State"],
         "City Clerk", "Company Name"),
    ],
)  # fmt: skip
def test_title_and_company_of_one_line_headers(lines: list[str], title: str, company: str) -> None:
    [job] = parse_jobs(lines, TODAY)
    assert (job.title, job.company) == (title, company)


def test_a_title_above_the_date_line_is_found_when_the_section_puts_titles_below() -> None:
    lines = [
        "January 2010 to Current Company Name － City , State",
        "Channel Sales Account Manager",
        "Built the reseller channel for the north-west.",
        "Production Supervisor",
        "January 1988 to January 1992 Company Name － City , State",
        "Supervised high volume printed wiring board assembly.",
    ]
    jobs = parse_jobs(lines, TODAY)
    assert [j.title for j in jobs] == ["Channel Sales Account Manager", "Production Supervisor"]


def test_two_experience_sections_are_read_each_in_its_own_layout() -> None:
    text = (
        "CONSTRUCTION WORKER\n"
        "Relevant Experience\n"
        "Dependable\n"
        "Detail oriented\n"
        "Work Experience\n"
        "08/2006 to Current\n"
        "Construction Worker Company Name － City , State\n"
        "Calculated needed materials and estimated time to complete tasks.\n"
    )
    profile = OfflineProfileEngine(today=TODAY).extract_profile(text)
    assert [j.title for j in profile.experience] == ["Construction Worker"]


def test_role_fit_reads_the_jobs_titles_not_their_places() -> None:
    text = (
        "Experience\n"
        "12/2015 to Current\n"
        "Medical Support Assistant Company Name ï¼ City , State\n"
        "Scheduled patient appointments for the clinic.\n"
    )
    profile = OfflineProfileEngine(today=TODAY).extract_profile(text)
    titles, _ = candidate_titles(profile, text)
    assert "Medical Support Assistant" in titles
    assert not any(t in ("State", "City , State") for t in titles)
