"""Phrases that address an AI instead of a recruiter, in English and Russian, as regexes.

Patterns are written for normalised text (see `injection.normalize`): lowercase, ё as е, no
invisible characters, single spaces. `~` stands for a gap between words: any run of
non-letters, including none, so "ignore, all previous  instructions" and "ignoreprevious
instructions" (a zero-width space removed) both match. English patterns run on a Latin
skeleton of the text and Russian ones on a Cyrillic skeleton, so a word typed with look-alike
letters of the other alphabet ("ignоre" with a Cyrillic о) still matches.

Each group is a `kind` reported with the finding. They are deliberately narrow: a resume that
says "I follow instructions carefully", "оценка качества" or "designed system prompts" must not
be flagged, so most patterns need an imperative verb and an object that only makes sense when
talking to the screening model.
"""

from __future__ import annotations

# Words that qualify "instructions"/"rules" as the ones the model was given.
_EN_QUAL = (
    r"(?:all|any|each|every|the|your|my|these|those|of|previous|prior|above|earlier|preceding|"
    r"former|original|initial|existing|given|other|system|current|old|such)"
)
_RU_QUAL = (
    r"(?:все|всех|любые|мои|свои|твои|ваши|эти|данные|полученные|заданные|прошлые|предыдущие|"
    r"прежние|ранее|ранее~данные|вышеуказанные|вышеизложенные|изначальные|исходные|системные|"
    r"старые|текущие)"
)
_RU_IGNORE = (
    r"(?:(?:про)?игнорируй(?:те)?|забудь(?:те)?|отбрось(?:те)?|отмени(?:те)?|пренебреги(?:те)?|"
    r"не~(?:обращай(?:те)?~внимани[ея]~на|учитывай(?:те)?|слушай(?:те)?|следуй(?:те)?))"
)
_AI = r"(?:ai|llm|llms|gpt|chatgpt|claude|gemini|copilot|chatbot)"
_RU_AI = r"(?:ии|ai|llm|gpt|chatgpt|нейросет\w*|бот\w*|модел\w*|ассистент\w*|алгоритм\w*)"

EN: dict[str, list[str]] = {
    "ignore_instructions": [
        rf"\b(?:ignore|disregard|forget|override|bypass|discard)~(?:{_EN_QUAL}~){{0,4}}"
        r"(?:instructions?|prompts?|directives?|guidelines|programming)\b",
        rf"\b(?:ignore|disregard|forget|override|bypass|discard)~(?:{_EN_QUAL}~){{0,3}}"
        r"(?:all|previous|prior|above|earlier|preceding|system|your)~"
        r"(?:rules|commands?|context|directions|constraints|restrictions)\b",
        r"\b(?:ignore|disregard|forget)~(?:(?:all|everything|anything|what|that|the|of|is|was)~)"
        r"{0,3}(?:above|previous(?:ly)?|prior|preceding|(?:written|said|stated)~(?:above|before))\b",
    ],
    "role_override": [
        # "You are now reading the CV of..." is a greeting to a person, not a role change.
        r"\byou~are~now\b(?!~(?:reading|looking|viewing|seeing|holding))",
        r"\bfrom~now~on~you\b",
        r"\bpretend~(?:that~)?you~are\b",
        r"\b(?:new|updated|real|actual|true|hidden|secret)~(?:system~)?instructions?\s*:",
        r"\byour~(?:new|real|actual|only|true)~(?:task|role|job|goal|instructions?)~(?:is|are)\b",
    ],
    "system_prompt": [
        r"\bsystem~prompt\s*[:\]>}]",
        r"\b(?:ignore|disregard|forget|override|bypass|reveal|print|repeat|leak|disclose|your)~"
        r"(?:(?:the|your|my|a|this|entire|original|hidden|initial)~){0,2}"
        r"system~(?:prompt|message|instructions?)\b",
    ],
    "score_manipulation": [
        r"\b(?:rate|score|grade|rank|mark|assess|evaluate|classify)~(?:this|the|that|my)~"
        r"(?:candidate|applicant|resume|cv|profile|application)\b[^.!?\n]{0,40}?"
        r"(?:\b100\b|\b10~(?:/|of|out~of)~10\b|\b(?:perfect|maximum|max|highest|full)\b|"
        r"\b(?:top|ideal|strong|excellent|exceptional|best)~(?:fit|match|candidate|score|hire)\b)",
        r"\b(?:rate|score|grade|rank)~me~(?:as~|at~|with~|a~)?(?:100|10~/~10|perfect|maximum|highest)",
        r"\bgive~(?:(?:me|him|her|them|it|this~(?:candidate|applicant|resume|cv)|the~"
        r"(?:candidate|applicant))~)?(?:a~|an~|the~)?(?:highest|maximum|max|perfect|top|best|full)"
        r"~(?:possible~)?(?:score|rating|marks?|points|grade|ranking|evaluation)\b",
        r"\bgive~(?:me|him|her|them|this~candidate|the~candidate)~(?:a~)?100\b",
        r"\b(?:must|should|shall|has~to|needs?~to)~(?:be~)?(?:rated|scored|ranked|graded|marked)"
        r"~(?:as~|at~|with~)?(?:a~)?(?:100|10~/~10|perfect|maximum|highest|top|excellent)",
        r"\b(?:mark|classify|label|flag)~(?:this~(?:candidate|applicant|resume|cv)|me|him|her)~as"
        r"~(?:a~)?(?:qualified|perfect|ideal|strong|top|excellent|best|(?:highly~)?recommended)",
    ],
    "ai_address": [
        r"\bas~an?~(?:ai|artificial~intelligence)~(?:language~)?(?:model|assistant)\b",
        r"\bas~a~(?:large~)?language~model\b",
        r"\b(?:note|message|instructions?|attention|hint|notice|memo)~(?:to|for)~(?:the~|any~|all~)?"
        rf"(?:{_AI}|language~models?|ai~(?:model|assistant|system|screener|recruiter)s?|"
        r"(?:automated|resume|cv|applicant)~(?:screener|screening~(?:system|tool|software)|parser)"
        r"|ats|screening~bot)\b",
        rf"\bif~you~are~(?:an?~)?(?:{_AI}|language~model|bot|automated|machine|assistant)\b",
        rf"\b(?:dear|hey|hello|hi|attention)~{_AI}\b\s*[,:!]",
    ],
}

RU: dict[str, list[str]] = {
    "ignore_instructions": [
        rf"\b{_RU_IGNORE}~(?:{_RU_QUAL}~){{0,3}}(?:инструкци|указани|промпт|директив)\w*",
        rf"\b{_RU_IGNORE}~(?:{_RU_QUAL}~){{1,3}}(?:правил|команд|установк|ограничени)\w*",
        rf"\b{_RU_IGNORE}~(?:(?:все|то|что|было)~){{0,3}}(?:вышесказанное|вышенаписанное|"
        r"вышеизложенное|(?:написанное|сказанное|изложенное)~выше|выше~(?:написанное|сказанное|"
        r"изложенное)|написано~выше|сказано~выше)",
    ],
    "role_override": [
        r"\bты~теперь\b",
        r"\b(?:отныне|с~этого~момента|теперь)~ты\b",
        r"\bнов(?:ые|ая)~(?:системн\w+~)?инструкци\w*\s*:",
        r"\bтво(?:я|и)~(?:нов|настоящ|истинн|главн|единственн)\w*~(?:задач|роль|цел|инструкци)",
    ],
    "system_prompt": [
        r"\bсистемн\w*~(?:промпт|подсказк|инструкци)\w*\s*[:\]>}]",
        rf"\b(?:{_RU_IGNORE}|покажи(?:те)?|выведи(?:те)?|раскрой(?:те)?|обойди(?:те)?|твой|твои|"
        r"ваш)~(?:\w+~)?системн\w*~(?:промпт|подсказк|инструкци|сообщени)\w*",
    ],
    "score_manipulation": [
        r"\bоцени(?:те)?~(?:(?:этого|данного|моего|мое|это)~)?(?:кандидата|соискателя|резюме|меня|"
        r"его|ее|анкету)~(?:на|в|как)~(?:100|сто|10~из~10|максимум|максимальн|высш|наивысш|"
        r"отличн|идеальн|лучш)",
        r"\bоцени(?:те)?~(?:\w+~){0,2}(?:на|в)~(?:100|сто|максимум)\b",
        r"\b(?:поставь(?:те)?|дай(?:те)?|присвой(?:те)?|выстав(?:ь|ьте|и|ите)|начисли(?:те)?)~"
        r"(?:(?:этому|данному|моему)~)?(?:(?:кандидату|соискателю|резюме|мне|ему|ей)~)?"
        r"(?:(?:самый|самую|самое)~)?(?:максимальн|высш|наивысш|100|сто|лучш|отличн|высок)\w*~"
        r"(?:\w+~)?(?:балл|оценк|рейтинг|очк|рекомендаци)",
        r"\bпоставь(?:те)?~(?:\w+~)?100\b",
        r"\b(?:кандидат|соискатель|резюме|он|она|я)~(?:должен|должна|должно|обязан\w*)~"
        r"(?:получить|быть~оценен\w*)~(?:(?:самый|самую)~)?(?:100|максимальн|высш|наивысш|лучш)",
        r"\b(?:по)?рекомендуй(?:те)?~(?:(?:этого|данного)~)?(?:кандидата|соискателя)\b",
        r"\bотметь(?:те)?~(?:\w+~)?как~(?:подходящ|идеальн|лучш|сильн|рекомендованн)",
    ],
    "ai_address": [
        r"\bкак~(?:большая~)?языковая~модель\b",
        r"\bкак~(?:ии|ai)~(?:модель|ассистент)\b",
        r"\b(?:примечание|сообщение|инструкци[яи]|указани[ея]|внимание|заметка|подсказка)~(?:для|к)~"
        rf"(?:{_RU_AI}|языков\w+~модел\w*|ats|системы~(?:отбора|скрининга|оценки))\b",
        rf"\bесли~(?:ты|вы)~(?:{_RU_AI}|языковая~модель|робот|автоматическ\w+)\b",
        rf"\b(?:уважаемый|дорогой|привет|эй|здравствуй)~{_RU_AI}\b\s*[,:!]",
    ],
}

# Chat-template and prompt markers; no legitimate resume contains them.
MARKERS: list[str] = [
    r"<\|\s*(?:im_start|im_end|im_sep|system|user|assistant|endoftext|begin_of_text|end_of_text|"
    r"start_header_id|end_header_id|eot_id)\s*\|>",
    r"\[\[\s*(?:system|instructions?|assistant|admin|prompt|sys)\s*\]\]",
    r"\[/?inst\]",
    r"<</?sys>>",
    r"\{\{\s*(?:system|instructions?|prompt)\s*\}\}",
    r"(?:^|\s)#{2,}\s*(?:system|instructions?|assistant|prompt)\s*:",
    r"<\s*/?\s*(?:system|instructions?|prompt|sys)\s*>",
    r"\[\s*(?:system|system\s+message|instructions?)\s*\]",
]

# For text with every non-letter removed ("i g n o r e  p r e v i o u s ..."): only phrases
# long and specific enough to be safe without word boundaries.
EN_SQUASHED: list[str] = [
    r"(?:ignore|disregard|forget|override|bypass)(?:all|any|the|your|of|previous|prior|above|"
    r"earlier|preceding|system){0,4}(?:instructions?|prompts?|guidelines|directives)",
    r"disregard(?:all|everything|the)?(?:above|previous)",
    r"(?:rate|score|grade|rank)(?:this|the)(?:candidate|applicant|resume|cv)(?:as|at|with|a)?"
    r"(?:100|perfect|maximum|highest|1010|10outof10)",
    r"give(?:me|him|her|this(?:candidate|applicant))?(?:the|a)?(?:highest|maximum|perfect)"
    r"(?:possible)?(?:score|rating)",
]
RU_SQUASHED: list[str] = [
    r"(?:(?:про)?игнорируй(?:те)?|забудь(?:те)?)(?:все|всех|любые|мои|свои|твои|ваши|эти|"
    r"предыдущие|прежние|прошлые|ранее|данные|вышеуказанные|системные){0,3}"
    r"(?:инструкци|указани|промпт|директив)",
    r"оцени(?:те)?(?:этого|данного)?(?:кандидата|соискателя|резюме|меня)(?:на|в)"
    r"(?:100|сто|максимум)",
    r"поставь(?:те)?(?:этому|данному)?(?:кандидату|соискателю|мне|ему|ей)?"
    r"(?:максимальн|высш|наивысш)\w*балл",
]
