"""Places in job headers: "Boston, MA", "Kansas City , Missouri", "Москва, Россия", "Remote".

A job header mixes a title, a company and where the job was, often on one line with no
separator between them ("Engineering Technician Acme Corp Tucson, AZ"). The place has the
most regular shape of the three — a town, a comma, then a state, province or country from a
closed list — so it is found first and cut out, and what is left splits into title and company.
Anonymised resumes (livecareer, HeadHunter exports) write "City , State" for it.
"""

from __future__ import annotations

import re

_US_STATES = (
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia "
    "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts "
    "Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon "
    "Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming"
).split() + [
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "District of Columbia",
]  # fmt: skip
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ "
    "NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR ON BC QC AB MB NS"
).split()
_COUNTRIES = (
    "USA U.S.A. US UK Canada Mexico Germany France Spain Italy Netherlands Poland Ireland "
    "India China Japan Israel Australia Russia Ukraine Belarus Kazakhstan Uzbekistan Georgia "
    "Armenia Serbia Cyprus Turkey UAE Россия Украина Беларусь Казахстан Узбекистан Грузия "
    "Армения Сербия Кипр Турция ОАЭ"
).split() + ["United States", "United Kingdom", "State"]
_REGION = "|".join(re.escape(r) for r in sorted(_US_STATES + _COUNTRIES, key=len, reverse=True))
# Words that begin a town of two or three words ("New York", "Salt Lake City"); a lone
# capitalised word before the comma is taken as the whole town otherwise, so a company
# written just before it ("Acme Boston, MA") is not swallowed.
_TOWN_PREFIX = (
    "New San Santa Los Las St St. Saint Fort Ft. Salt Lake Palm Long Grand El La Des Baton "
    "Port Mount Mt. North South East West Little Cedar Corpus Kansas Oklahoma Jersey Carson "
    "Iowa Ocean Virginia Colorado Sioux Winston Chapel Cape Boca Daytona Bowling Overland Round"
).split()
_PREFIX = "|".join(re.escape(w) for w in _TOWN_PREFIX)
_TOWN_WORD = r"[A-ZА-ЯЁ][\w.'-]*"

PLACE_SPAN = re.compile(
    rf"(?<![\w.'-])(?:(?:{_PREFIX})\s+(?:(?:{_PREFIX})\s+)?)?{_TOWN_WORD}\s*,\s*"
    rf"(?:{_REGION}|{'|'.join(_STATE_CODES)})(?![\w])"
    r"|(?<![^\W\d_])(?:City\s*,\s*State|remote|удал[её]нно)(?![^\W\d_])",
)
# A piece that is all place: a known city, "Remote", a web address.
_PLACE_PIECE = re.compile(
    r"^(?:г\.\s*)?(?:москва|санкт-петербург|спб|новосибирск|екатеринбург|казань|нижний новгород|"
    r"минск|алматы|ташкент|киев|remote|удал[её]нно|berlin|london|amsterdam|moscow|"
    r"saint petersburg|city|state)$"
    r"|^(?:https?://|www\.)|\.(?:ru|com|org|net|io)\b",
    re.I,
)


def is_place(piece: str) -> bool:
    """True when the whole piece says where, not who or what ("Dallas, TX", "Москва")."""
    text = piece.strip(" ,;:()-–—|\t")
    if not text:
        return False
    if _PLACE_PIECE.search(text):
        return True
    found = PLACE_SPAN.search(text)
    return found is not None and found.group() == text


def cut_places(line: str, separator: str = " | ") -> str:
    """The line with every place replaced by `separator`, so what stood on either side of
    it ("Acme Corp Tucson, AZ Engineer") reads as separate pieces."""
    return PLACE_SPAN.sub(separator, line)
