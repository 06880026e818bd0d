"""Phone numbers in E.164 ("+79161234567", "+19104322392"), read with `phonenumbers`.

A number written with its country code ("+7 916 …", "+1 (415) …", "0049 …") says its country.
One written nationally ("910-432-2392", "8 (916) 123-45-67") does not: the same ten digits are
a Russian mobile and a North Carolina line. Its country comes from the resume's hints (a
Russian-language text, a Russian city, a US "City, ST" address, "United Kingdom", …) and then
from how the digits are grouped ("8 (9xx) xxx-xx-xx" is Russian, "(xxx) xxx-xxxx" North
American); the first country in which the number is valid wins. A number no hint makes valid
is unknown (None): candidates are de-duplicated by phone, so a wrong country code would merge
different people.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import phonenumbers

from pipelines.profiles.sections import detect_language

_CANDIDATE = re.compile(
    r"(?<![\w+(])(?:\+\s?|\()?\d[\d\s()\-–]{8,20}\d(?![\w])|(?<![\w.])\d{3}\.\d{3}\.\d{4}(?![\w.])"
)
_LABEL = re.compile(r"(?:телефон|тел\.?|моб\w*|phone|mobile|tel\.?|whatsapp|cell)", re.I)
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d")  # "2017 - 2019"

_US_STATE_CODES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|"
    "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC"
)
_US_STATES = (
    "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|hawaii|"
    "idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|"
    "michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|"
    "new mexico|new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|"
    "rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|"
    "washington|west virginia|wisconsin|wyoming"
)  # Georgia is left out: it is a country as well.
# Region → evidence in the text. Case-sensitive patterns are compiled apart (state codes).
_PLACES: dict[str, str] = {
    "RU": r"росси[яию]|рф|russia|russian federation|москв[аеуы]|санкт-петербург\w*|петербург\w*|"
    r"спб|новосибирск\w*|екатеринбург\w*|казан[ьи]|нижн\w+ новгород\w*|челябинск\w*|самар[аеы]|"
    r"омск\w*|ростов\w*-на-дону|уф[аеы]|красноярск\w*|воронеж\w*|перм[ьи]|волгоград\w*|"
    r"краснодар\w*|тюмен[ьи]|moscow|saint petersburg|st\.? petersburg|novosibirsk|yekaterinburg",
    "US": rf"united states|usa|u\.s\.a?\.?|{_US_STATES}|city\s*,\s*state",
    "GB": r"united kingdom|uk|u\.k\.|england|scotland|wales|great britain|london|manchester|"
    r"birmingham|edinburgh|glasgow|великобритани\w+|лондон\w*",
    "CA": r"canada|toronto|vancouver|montreal|ottawa|calgary|канад\w+",
    "DE": r"germany|deutschland|berlin|munich|münchen|hamburg|frankfurt|германи\w+|берлин\w*",
    "UA": r"ukraine|україна|украин\w+|kyiv|kiev|киев\w*|київ|kharkiv|харьков\w*|odesa|одесс\w+|"
    r"львов\w*|днепр\w*",
    "BY": r"belarus|беларус\w*|белорусси\w+|minsk|минск\w*",
    "KZ": r"kazakhstan|казахстан\w*|almaty|алматы|astana|астан\w+",
    "UZ": r"uzbekistan|узбекистан\w*|tashkent|ташкент\w*",
    "AM": r"armenia|армени\w+|yerevan|ереван\w*",
    "GE": r"грузи[яию]|tbilisi|тбилиси",
    "IN": r"india|индия|mumbai|delhi|bangalore|bengaluru|hyderabad|chennai|pune|kolkata|kochi",
    "IL": r"israel|израил\w+|tel aviv|тель-авив\w*",
    "AE": r"uae|united arab emirates|dubai|abu dhabi|оаэ|дуба[йея]",
    "SA": r"saudi arabia|riyadh|jeddah",
    "FR": r"france|франци\w+|paris|париж\w*",
    "NL": r"netherlands|нидерланд\w+|amsterdam|амстердам\w*",
    "PL": r"poland|польш\w+|warsaw|варшав\w+",
    "RS": r"serbia|серби\w+|belgrade|белград\w*",
    "CY": r"cyprus|кипр\w*|limassol|лимассол\w*",
    "TR": r"turkey|türkiye|турци\w+|istanbul|стамбул\w*",
    "AU": r"australia|sydney|melbourne",
    "SG": r"singapore|сингапур\w*",
}
# One pass over the text: each region is a named group.
_PLACE_RE = re.compile(
    "(?<![^\\W\\d_])(?:"
    + "|".join(f"(?P<{region}>{pattern})" for region, pattern in _PLACES.items())
    + ")(?![^\\W\\d_])",
    re.I,
)
# "Austin, TX 78701", "Raleigh, NC": a US address even without the country.
_US_ADDRESS = re.compile(rf",\s*(?:{_US_STATE_CODES})(?:\s+\d{{5}}(?:-\d{{4}})?)?(?![\w])")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")

_NANP_SHAPE = re.compile(r"^(?:1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}$")
_RU_SHAPE = re.compile(r"^\(?\d{3}\)?[\s-]*\d{3}[\s-]\d{2}[\s-]\d{2}$")


def country_hints(text: str, head: str = "") -> list[str]:
    """Regions the resume points to, strongest first: places in the head count three times,
    places elsewhere once, and a Russian-language resume twice for Russia."""
    scores: Counter[str] = Counter()
    for weight, source in ((3, head), (1, text)):
        if not source:
            continue
        for match in _PLACE_RE.finditer(source):
            scores[match.lastgroup or ""] += weight
        scores["US"] += weight * len(_US_ADDRESS.findall(source))
        scores["GB"] += weight * len(_UK_POSTCODE.findall(source))
    if text and detect_language(text) == "ru":
        scores["RU"] += 2
    return [region for region, score in scores.most_common() if score > 0]


def _shape_hints(raw: str) -> list[str]:
    """Regions told by the grouping of a nationally written number."""
    digits = re.sub(r"\D", "", raw)
    hints = []
    if (len(digits) == 11 and digits[0] in "78") or _RU_SHAPE.match(raw):
        hints.append("RU")  # "8 916 123-45-67", "916 123-45-67": the trunk 8, or 2-2 groups
    if _NANP_SHAPE.match(raw) or (len(digits) == 11 and digits[0] == "1"):
        hints.append("US")  # "(415) 555-0132", "1 415 555 0132": North American
    return hints


def _parsed(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(raw: str, regions: Sequence[str] = ()) -> str | None:
    """One number in E.164, or None when its country cannot be told or it is not a phone.

    `regions` are the resume's country hints, strongest first ("RU", "US", …). A number with
    a country code needs only to be possible (numbering plans change faster than the
    library); a national one must be valid in a hinted region.
    """
    text = raw.strip()
    digits = re.sub(r"\D", "", text)
    if not 7 <= len(digits) <= 15:
        return None
    if text.startswith("+") or text.startswith("00"):
        number = _parsed("+" + digits.removeprefix("00"), None)
        return _e164(number) if number and phonenumbers.is_possible_number(number) else None
    for region in dict.fromkeys([*regions, *_shape_hints(raw.strip())]):
        number = _parsed(text, region)
        if number is not None and phonenumbers.is_valid_number(number):
            return _e164(number)
    return None


def find_phone(text: str, regions: Sequence[str] = ()) -> str | None:
    """The candidate's number in `text`: one on a labelled line ("Телефон:", "Phone:") first,
    then one written with a country code, then any other, earliest first."""
    found: list[tuple[int, int, str]] = []
    for match in _CANDIDATE.finditer(text):
        raw = match.group()
        if _YEAR_RANGE.search(raw):
            continue
        phone = normalize_phone(raw, regions)
        if phone is None:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        labelled = bool(_LABEL.search(text[line_start : match.start()]))
        plus = raw.lstrip().startswith("+")
        found.append((0 if labelled else 1 if plus else 2, match.start(), phone))
    return min(found)[2] if found else None
