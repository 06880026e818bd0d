"""Date ranges broken over lines, "to Current" endings and mojibake dashes give job spans."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.profiles import OfflineProfileEngine
from pipelines.profiles.cleaning import clean_text
from pipelines.profiles.dates import find_range, join_split_ranges

TODAY = date(2024, 6, 15)
ENGINE = OfflineProfileEngine(today=TODAY)


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["April 2015", "to", "Current"], "April 2015 to Current"),
        (["04/2015", "to", "Current"], "04/2015 to Current"),
        (["November 2014", "", "to", "", "June 2016"], "November 2014 to June 2016"),
        (["April 2015 to", "Present"], "April 2015 to Present"),
        (["Январь 2019 —", "по настоящее время"], "Январь 2019 — по настоящее время"),
        (["Январь 2019", "по настоящее время"], "Январь 2019 по настоящее время"),
        (["Январь 2019", "— по н.в."], "Январь 2019 — по н.в."),
        (["Май 2021 —", "настоящее время"], "Май 2021 — настоящее время"),
        (["March 2020", "Current"], "March 2020 – Current"),
    ],
)
def test_split_ranges_are_joined(lines: list[str], joined: str) -> None:
    assert join_split_ranges(lines) == [joined]
    assert find_range(joined) is not None


@pytest.mark.parametrize(
    "lines",
    [
        ["Graduated in 2015", "to work in retail."],  # "to" that starts prose, no end date
        ["Company X, 2015", "Currently responsible for sales."],  # not a bare "Current"
        ["01/2017", "VR Designer Company Name"],  # a start date alone
        ["2013", "High School Diploma"],
    ],
)
def test_lines_that_finish_no_range_stay_apart(lines: list[str]) -> None:
    assert join_split_ranges(lines) == lines


@pytest.mark.parametrize(
    ("text", "start", "current"),
    [
        ("Jan 2019 to Current", (2019, 1), True),
        ("Jan 2019 to Present", (2019, 1), True),
        ("январь 2019 по настоящее время", (2019, 1), True),
        ("январь 2019 по н.в.", (2019, 1), True),
        ("10/2014 － Current", (2014, 10), True),  # a full-width hyphen
    ],
)
def test_open_ended_range_endings(text: str, start: tuple[int, int], current: bool) -> None:
    found = find_range(text)
    assert found is not None and (found.start, found.current) == (start, current)


def test_mojibake_dashes_are_decoded() -> None:
    assert clean_text("10/2014 ï¼ Current â€“ Company â€¢ JosÃ©") == (
        "10/2014 － Current – Company • José"
    )


def test_a_lone_nbsp_lead_byte_is_dropped_but_a_word_with_it_kept() -> None:
    assert (
        clean_text("Â Franchisee Â\nSelf-starterÂ \nÂngela") == "Franchisee\nSelf-starter\nÂngela"
    )


LIVECAREER = """ACCOUNTANT
Summary
Accountant with ten years in construction.
Experience
July 2012
to
December 2013
Company Name City , State Project Accountant
Reviewed invoices.
Accomplishments:
Cut the close from ten days to five.
February 2011
to
June 2012
Company Name City , State Subcontract Accountant
Senior Staff Accountant , 01/2009 ï¼ 12/2010 Company Name ï¼ City , State
Education
2008
Bachelor of Science : Accounting DeVry University City , State
"""


def test_livecareer_jobs_with_split_dates_count_their_years() -> None:
    profile = ENGINE.extract_profile(LIVECAREER)
    spans = [(j.start, j.end, j.months) for j in profile.experience]
    assert spans == [
        ("2012-07", "2013-12", 18),
        ("2011-02", "2012-06", 17),
        ("2009-01", "2010-12", 24),
    ]
    assert profile.total_years == 4.9  # Jan 2009 to Dec 2013, 59 months


def test_hh_ru_split_range_to_now() -> None:
    text = "Опыт работы\nЯнварь 2019\nпо настоящее время\nООО «Альфа»\nАналитик\n"
    profile = ENGINE.extract_profile(text)
    assert [(j.start, j.current, j.months) for j in profile.experience] == [("2019-01", True, 66)]
    assert profile.total_years == 5.5


def test_a_qualified_experience_heading_opens_the_experience_section() -> None:
    text = """GRAPHIC DESIGNER
Accomplishments
2014 Civic Engagement Cover Design Winner
Graphic Design Experience
Multimedia Designer Sep 2015 to May 2016
Company Name City , State
"""
    profile = ENGINE.extract_profile(text)
    assert [(j.start, j.end) for j in profile.experience] == [("2015-09", "2016-05")]
