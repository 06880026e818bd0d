"""The candidate's IANA time zone, so unprompted messages keep quiet hours where they live.

Welcomes and reminders nobody asked for must not arrive at night, and night is local to the
candidate, not to the recruiter or the server. The location a resume or profile states comes
first: a relocated person keeps their old SIM card for years, so a phone's country says little
about where they sleep. Within the location a named city beats a US state ("Austin, TX"), which
beats a country ("Россия"), the weakest hint because a country may span eleven zones. The
phone's calling code comes next, then the caller's default.

Matching works on whole words after folding case, diacritics and ё/й ("Омск" is not found in
"Томск", nor "Perm" in "Permanent"); when a text names several cities the earliest wins, as in
"Москва, готов к переезду в Белград". Namesakes abroad ("Moscow, Idaho") are not told apart.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from phonenumbers import timezone as phone_time_zones

_WORD = re.compile(r"[^\W_]+")
# "Austin, TX 78701", "Portland, OR": two capitals after a comma, the way US addresses end.
_STATE_CODE = re.compile(r",\s*([A-Z]{2})(?![^\W\d_])")
# Without "+" or "00" a short number is likely national ("9161234567"), not international.
_MIN_BARE_DIGITS = 11

# Zone → names: Russian, English and native spellings, "|"-separated, folded as by `_fold`.
_CITIES: dict[str, str] = {
    "Europe/Kaliningrad": "калининград|kaliningrad",
    "Europe/Moscow": "москва|moscow|moskva|мск|московская|подмосковье|балашиха|balashikha|химки"
    "|khimki|подольск|podolsk|мытищи|mytishchi|королев|korolev|korolyov|люберцы|lyubertsy"
    "|санкт-петербург|петербург|питер|спб|ленинградская|st petersburg|saint petersburg"
    "|petersburg|sankt-peterburg|peterburg|spb|нижний новгород|новгород|nizhny novgorod"
    "|nizhniy novgorod|novgorod|казань|kazan|набережные челны|naberezhnye chelny|ростов"
    "|rostov|воронеж|voronezh|краснодар|krasnodar|сочи|sochi|новороссийск|novorossiysk"
    "|ярославль|yaroslavl|тула|tula|рязань|ryazan|липецк|lipetsk|пенза|penza|чебоксары"
    "|cheboksary|махачкала|makhachkala|ставрополь|stavropol|брянск|bryansk|иваново|ivanovo"
    "|белгород|belgorod|курск|kursk|тверь|tver|владимир|vladimir|смоленск|smolensk"
    "|архангельск|arkhangelsk|калуга|kaluga|вологда|vologda|орел|orel|oryol|череповец"
    "|cherepovets|мурманск|murmansk|тамбов|tambov|петрозаводск|petrozavodsk|кострома"
    "|kostroma|грозный|grozny|владикавказ|vladikavkaz|нальчик|nalchik|псков|pskov|таганрог"
    "|taganrog|саранск|saransk|йошкар-ола|yoshkar-ola|сыктывкар|syktyvkar",
    "Europe/Kirov": "киров|kirov",
    "Europe/Volgograd": "волгоград|volgograd",
    "Europe/Simferopol": "симферополь|simferopol|севастополь|sevastopol",
    "Europe/Samara": "самара|samara|тольятти|tolyatti|togliatti|ижевск|izhevsk",
    "Europe/Ulyanovsk": "ульяновск|ulyanovsk",
    "Europe/Saratov": "саратов|saratov",
    "Europe/Astrakhan": "астрахань|astrakhan",
    "Asia/Yekaterinburg": "екатеринбург|екб|yekaterinburg|ekaterinburg|челябинск"
    "|chelyabinsk|тюмень|tyumen|пермь|perm|уфа|ufa|оренбург|orenburg|магнитогорск"
    "|magnitogorsk|курган|kurgan|сургут|surgut|нижний тагил|тагил|nizhny tagil|tagil"
    "|стерлитамак|sterlitamak|нижневартовск|nizhnevartovsk|ханты-мансийск|khanty-mansiysk",
    "Asia/Omsk": "омск|omsk",
    "Asia/Novosibirsk": "новосибирск|нск|novosibirsk",
    "Asia/Barnaul": "барнаул|barnaul",
    "Asia/Tomsk": "томск|tomsk",
    "Asia/Novokuznetsk": "кемерово|kemerovo|новокузнецк|novokuznetsk",
    "Asia/Krasnoyarsk": "красноярск|krasnoyarsk",
    "Asia/Irkutsk": "иркутск|irkutsk|улан-удэ|ulan-ude|братск|bratsk",
    "Asia/Chita": "чита|chita",
    "Asia/Yakutsk": "якутск|yakutsk|благовещенск|blagoveshchensk",
    "Asia/Vladivostok": "владивосток|vladivostok|хабаровск|khabarovsk|комсомольск-на-амуре"
    "|komsomolsk-on-amur",
    "Asia/Sakhalin": "южно-сахалинск|yuzhno-sakhalinsk|сахалин|sakhalin",
    "Asia/Magadan": "магадан|magadan",
    "Asia/Kamchatka": "петропавловск-камчатский|petropavlovsk-kamchatsky|камчатка|kamchatka",
    "Europe/Minsk": "минск|мінск|minsk|гомель|gomel|homel|брест|brest|гродно|grodno"
    "|витебск|vitebsk|могилев|mogilev",
    "Europe/Kyiv": "киев|київ|kyiv|kiev|харьков|харків|kharkiv|kharkov|одесса|одеса|odesa"
    "|odessa|львов|львів|lviv|lvov|днепр|дніпро|dnipro|dnepr|запорожье|запоріжжя|zaporizhzhia",
    "Europe/Chisinau": "кишинев|кишинэу|chisinau|kishinev",
    "Asia/Almaty": "алматы|алма-ата|almaty|alma-ata|астана|нур-султан|astana|nur-sultan"
    "|шымкент|shymkent|караганда|karaganda|qaraghandy",
    "Asia/Tashkent": "ташкент|tashkent|toshkent",
    "Asia/Samarkand": "самарканд|samarkand",
    "Asia/Bishkek": "бишкек|bishkek",
    "Asia/Baku": "баку|baku|bakı",
    "Asia/Yerevan": "ереван|yerevan|erevan",
    "Asia/Tbilisi": "тбилиси|tbilisi|батуми|batumi",
    "Asia/Dushanbe": "душанбе|dushanbe",
    "Asia/Ashgabat": "ашхабад|ashgabat",
    "Europe/Belgrade": "белград|belgrade|beograd|нови-сад|novi sad",
    "Europe/Podgorica": "подгорица|podgorica|будва|budva",
    "Asia/Nicosia": "лимассол|limassol|никосия|nicosia|ларнака|larnaca|пафос|paphos",
    "Europe/Istanbul": "стамбул|istanbul|анталья|antalya|анкара|ankara",
    "Asia/Dubai": "дубай|dubai|абу-даби|abu dhabi",
    "Asia/Jerusalem": "тель-авив|tel aviv|хайфа|haifa|иерусалим|jerusalem",
    "Europe/Warsaw": "варшава|warsaw|warszawa|краков|krakow|вроцлав|wroclaw",
    "Europe/Berlin": "берлин|berlin|мюнхен|munich|münchen|гамбург|hamburg|франкфурт|frankfurt",
    "Europe/Amsterdam": "амстердам|amsterdam|роттердам|rotterdam",
    "Europe/London": "лондон|london|manchester|birmingham|edinburgh|glasgow|bristol|leeds",
    "Europe/Lisbon": "лиссабон|lisbon|lisboa|порту|porto",
    "Europe/Paris": "париж|paris",
    "Europe/Madrid": "мадрид|madrid|барселона|barcelona|валенсия|valencia",
    "Europe/Rome": "рим|rome|милан|milan",
    "Europe/Prague": "прага|prague|praha",
    "Europe/Vienna": "вена|vienna|wien",
    "Europe/Zurich": "цюрих|zurich|женева|geneva",
    "Europe/Dublin": "дублин|dublin",
    "Europe/Helsinki": "хельсинки|helsinki",
    "Europe/Stockholm": "стокгольм|stockholm",
    "Europe/Riga": "рига|riga",
    "Europe/Vilnius": "вильнюс|vilnius",
    "Europe/Tallinn": "таллин|таллинн|tallinn",
    "Asia/Bangkok": "бангкок|bangkok|пхукет|phuket|паттайя|pattaya",
    "Asia/Makassar": "бали|bali|денпасар|denpasar|чангу|canggu|убуд|ubud",
    "Asia/Jakarta": "джакарта|jakarta",
    "Asia/Ho_Chi_Minh": "хошимин|ho chi minh|ханой|hanoi|нячанг|nha trang|дананг|da nang",
    "Asia/Singapore": "сингапур|singapore",
    "Asia/Shanghai": "пекин|beijing|шанхай|shanghai",
    "Asia/Tokyo": "токио|tokyo",
    "America/Argentina/Buenos_Aires": "буэнос-айрес|buenos aires",
    "Asia/Kolkata": "мумбаи|mumbai|bombay|дели|delhi|бангалор|bangalore|bengaluru|hyderabad"
    "|chennai|pune|kolkata|noida|gurgaon|gurugram|ahmedabad",
    "America/New_York": "нью-йорк|new york|nyc|brooklyn|manhattan|бостон|boston|philadelphia"
    "|washington dc|washington d c|atlanta|майами|miami|orlando|tampa|charlotte|pittsburgh"
    "|baltimore|raleigh",
    "America/Detroit": "detroit",
    "America/Chicago": "чикаго|chicago|houston|dallas|austin|san antonio|minneapolis"
    "|kansas city|st louis|nashville|new orleans",
    "America/Denver": "denver|salt lake city",
    "America/Phoenix": "phoenix",
    "America/Los_Angeles": "лос-анджелес|los angeles|сан-франциско|san francisco|san jose"
    "|san diego|сиэтл|seattle|portland|las vegas|sacramento|silicon valley|bay area",
    "Pacific/Honolulu": "honolulu",
    "America/Toronto": "торонто|toronto|монреаль|montreal|ottawa",
    "America/Vancouver": "ванкувер|vancouver",
    "America/Edmonton": "calgary|edmonton",
}

# Zone → (two-letter codes, state names); split states take their most populous zone.
# Georgia's name is left to the country, whose Russian-speaking candidates are far more common.
_US_STATES: dict[str, tuple[str, str]] = {
    "America/New_York": (
        "CT DC DE FL GA KY MA MD ME NC NH NJ NY OH PA RI SC VA VT WV",
        "connecticut|delaware|florida|kentucky|massachusetts|maryland|maine|north carolina"
        "|new hampshire|new jersey|ohio|pennsylvania|rhode island|south carolina|virginia"
        "|vermont|west virginia",
    ),
    "America/Detroit": ("MI", "michigan"),
    "America/Indiana/Indianapolis": ("IN", "indiana"),
    "America/Chicago": (
        "AL AR IA IL KS LA MN MO MS ND NE OK SD TN TX WI",
        "alabama|arkansas|iowa|illinois|kansas|louisiana|minnesota|missouri|mississippi"
        "|north dakota|nebraska|oklahoma|south dakota|tennessee|texas|wisconsin",
    ),
    "America/Denver": ("CO MT NM UT WY", "colorado|montana|new mexico|utah|wyoming"),
    "America/Boise": ("ID", "idaho"),
    "America/Phoenix": ("AZ", "arizona"),
    "America/Los_Angeles": ("CA NV OR WA", "california|nevada|oregon|washington"),
    "America/Anchorage": ("AK", "alaska"),
    "Pacific/Honolulu": ("HI", "hawaii"),
}

# Zone → country names; a country spanning zones takes the one most of its people live in.
_COUNTRIES: dict[str, str] = {
    "Europe/Moscow": "россия|рф|russia|russian federation",
    "Europe/Minsk": "беларусь|белоруссия|belarus",
    "Europe/Kyiv": "украина|україна|ukraine",
    "Asia/Almaty": "казахстан|kazakhstan",
    "Asia/Tashkent": "узбекистан|uzbekistan",
    "Asia/Bishkek": "кыргызстан|киргизия|kyrgyzstan",
    "Asia/Baku": "азербайджан|azerbaijan",
    "Asia/Yerevan": "армения|armenia",
    "Asia/Tbilisi": "грузия|georgia|sakartvelo",
    "Europe/Chisinau": "молдова|молдавия|moldova",
    "Asia/Dushanbe": "таджикистан|tajikistan",
    "Europe/Belgrade": "сербия|serbia",
    "Europe/Podgorica": "черногория|montenegro",
    "Asia/Nicosia": "кипр|cyprus",
    "Europe/Istanbul": "турция|turkey|turkiye",
    "Asia/Dubai": "оаэ|эмираты|uae|united arab emirates",
    "Asia/Jerusalem": "израиль|israel",
    "Europe/Warsaw": "польша|poland",
    "Europe/Berlin": "германия|germany|deutschland",
    "Europe/Amsterdam": "нидерланды|голландия|netherlands|holland",
    "Europe/London": "великобритания|англия|uk|united kingdom|great britain|england|scotland",
    "Europe/Lisbon": "португалия|portugal",
    "Europe/Madrid": "испания|spain",
    "Europe/Paris": "франция|france",
    "Europe/Rome": "италия|italy",
    "Europe/Prague": "чехия|czechia|czech republic",
    "Europe/Riga": "латвия|latvia",
    "Europe/Vilnius": "литва|lithuania",
    "Europe/Tallinn": "эстония|estonia",
    "Europe/Helsinki": "финляндия|finland",
    "Asia/Bangkok": "таиланд|тайланд|thailand",
    "Asia/Jakarta": "индонезия|indonesia",
    "Asia/Ho_Chi_Minh": "вьетнам|vietnam",
    "Asia/Kolkata": "индия|india",
    "Asia/Shanghai": "китай|china",
    "America/Argentina/Buenos_Aires": "аргентина|argentina",
    "America/New_York": "сша|америка|usa|united states|united states of america|america",
    "America/Toronto": "канада|canada",
}

# Calling code → zone; the longest code a number starts with wins (+7 7… is Kazakhstan).
_CALLING_CODES: dict[str, str] = {
    "7": "Europe/Moscow", "76": "Asia/Almaty", "77": "Asia/Almaty",
    "375": "Europe/Minsk", "380": "Europe/Kyiv", "373": "Europe/Chisinau",
    "998": "Asia/Tashkent", "996": "Asia/Bishkek", "994": "Asia/Baku", "374": "Asia/Yerevan",
    "995": "Asia/Tbilisi", "992": "Asia/Dushanbe", "993": "Asia/Ashgabat",
    "381": "Europe/Belgrade", "382": "Europe/Podgorica", "357": "Asia/Nicosia",
    "90": "Europe/Istanbul", "971": "Asia/Dubai", "972": "Asia/Jerusalem",
    "1": "America/New_York", "44": "Europe/London", "49": "Europe/Berlin", "33": "Europe/Paris",
    "34": "Europe/Madrid", "39": "Europe/Rome", "31": "Europe/Amsterdam", "48": "Europe/Warsaw",
    "351": "Europe/Lisbon", "420": "Europe/Prague", "43": "Europe/Vienna", "41": "Europe/Zurich",
    "353": "Europe/Dublin", "358": "Europe/Helsinki", "46": "Europe/Stockholm",
    "371": "Europe/Riga", "370": "Europe/Vilnius", "372": "Europe/Tallinn",
    "91": "Asia/Kolkata", "86": "Asia/Shanghai", "66": "Asia/Bangkok", "62": "Asia/Jakarta",
    "84": "Asia/Ho_Chi_Minh", "65": "Asia/Singapore", "81": "Asia/Tokyo",
    "54": "America/Argentina/Buenos_Aires",
}  # fmt: skip


# Countries whose numbers may tell a zone apart (elsewhere the calling code's zone is right).
_SPANNING_REGIONS = frozenset({"RU", "US", "CA", "KZ", "AU", "BR", "MX", "ID", "AR", "CL"})


def candidate_zone(*, location: str | None, phone: str | None, default: str) -> str:
    """The IANA zone to keep the candidate's quiet hours in: location, then phone, then default."""
    return _location_zone(location or "") or _phone_zone(phone or "") or default


def _location_zone(text: str) -> str | None:
    """A city, else a US state, else a country named in free text; None if none is known."""
    folded = _fold(text)
    if zone := _earliest(folded, _CITY_PATTERN, _CITY_ZONES):
        return zone
    codes = _STATE_CODE.findall(text)  # case matters: ", in" or ", or" are words, not states
    if codes and codes[-1] in _STATE_CODE_ZONES:
        return _STATE_CODE_ZONES[codes[-1]]
    return _earliest(folded, _STATE_PATTERN, _STATE_ZONES) or _earliest(
        folded, _COUNTRY_PATTERN, _COUNTRY_ZONES
    )


def _phone_zone(phone: str) -> str | None:
    """The zone of the longest calling code the number starts with; None if it shows none.

    "8 916 …" is read as Russian (+7 916 …), the way most Russians still write their number.
    """
    digits = "".join(c for c in phone if c.isdigit())
    if not phone.lstrip().startswith("+"):
        if digits.startswith("00"):
            digits = digits[2:]
        elif len(digits) == 11 and digits.startswith("8"):
            digits = "7" + digits[1:]
        elif len(digits) < _MIN_BARE_DIGITS:
            return None
    if zone := _numbering_plan_zone(digits):
        return zone
    for size in range(4, 0, -1):
        if zone := _CALLING_CODES.get(digits[:size]):
            return zone
    return None


def _numbering_plan_zone(digits: str) -> str | None:
    """In a country that spans several zones, the zone libphonenumber's numbering plans give
    the number when they give exactly one (a landline's area code, "+7 423…" Vladivostok,
    "+1 415…" Los Angeles); a mobile range gives several, and the calling code decides."""
    try:
        number = phonenumbers.parse(f"+{digits}")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.region_code_for_number(number) not in _SPANNING_REGIONS:
        return None
    zones = phone_time_zones.time_zones_for_number(number)
    return zones[0] if len(zones) == 1 and zones[0] != "Etc/Unknown" else None


def _fold(text: str) -> str:
    """Lower case without diacritics (ё→е, й→и, ș→s), words joined by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(plain))


def _earliest(folded: str, pattern: re.Pattern[str], zones: dict[str, str]) -> str | None:
    """The zone of the known name that starts earliest in the text (longest on a tie)."""
    match = pattern.search(folded)
    return zones[match.group(0)] if match else None


def _index(table: dict[str, str]) -> dict[str, str]:
    """Folded name → zone, from a zone → "name|name" table."""
    return {_fold(name): zone for zone, names in table.items() for name in names.split("|")}


def _alternation(zones: dict[str, str]) -> re.Pattern[str]:
    """Whole-word alternation of folded names, longest first so "нижний новгород" wins."""
    names = sorted(zones, key=len, reverse=True)
    return re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, names)) + r")(?!\S)")


_CITY_ZONES = _index(_CITIES)
_STATE_ZONES = _index({zone: names for zone, (_, names) in _US_STATES.items()})
_COUNTRY_ZONES = _index(_COUNTRIES)
_STATE_CODE_ZONES = {code: z for z, (codes, _) in _US_STATES.items() for code in codes.split()}
_CITY_PATTERN = _alternation(_CITY_ZONES)
_STATE_PATTERN = _alternation(_STATE_ZONES)
_COUNTRY_PATTERN = _alternation(_COUNTRY_ZONES)
