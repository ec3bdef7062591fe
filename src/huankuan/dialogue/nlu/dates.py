"""Date mentions (zh and en) resolved against a reference date under the convention of
`calendar_rules` (see docs/nlu.md). Own rules, no third-party date parser: predictable and fast."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from huankuan.dialogue.nlu import calendar_rules as cal
from huankuan.dialogue.nlu.numbers import en_words_to_number, zh_to_number


@dataclass(frozen=True, slots=True)
class DateMention:
    start: int
    end: int
    value: date | None  # None: a date-like span that resolves to no single day ("过几天")
    time_only: bool = False


Resolver = Callable[[re.Match[str], date], date | None]

_ZH_NUM = r"[0-9零〇一二两三四五六七八九十]{1,3}(?![0-9零〇一二两三四五六七八九十百千万])"
_ZH_DAY = (
    r"(3[01]|[12][0-9]|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|"
    r"[一二三四五六七八九])(?![0-9零〇一二两三四五六七八九十百千万])"
)
_ZH_MONTH = r"(1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_NOT_AFTER_NUMBER = r"(?<![0-9零〇一二两三四五六七八九十百千万.])"
_ZH_WEEKDAYS = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "七": 6,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
_ZH_WEEK = r"(?:周|星期|礼拜|週|禮拜)"
_ZH_WD = r"([一二三四五六日天七1-7])"
_EN_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tues": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thurs": 3,
    "thur": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_EN_WD = (
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
)
_EN_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_EN_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_EN_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
_EN_ORD = (
    r"(\d{1,2})(?:st|nd|rd|th)?|((?:twenty|thirty)[- ]?(?:first|second|third|fourth|fifth|"
    r"sixth|seventh|eighth|ninth)|" + "|".join(_EN_ORDINAL_WORDS) + ")"
)
_EN_COUNT = (
    r"(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fourteen|fifteen|twenty|thirty|a couple of|couple of|a couple)"
)


def _zh_int(text: str) -> int | None:
    value = zh_to_number(text)
    return int(value) if value is not None and value == int(value) else None


def _en_int(text: str) -> int | None:
    text = text.replace("a couple of", "couple").replace("couple of", "couple")
    text = text.replace("a couple", "couple")
    value = en_words_to_number(text.split())
    return int(value) if value is not None else None


def _en_ordinal(match: re.Match[str], digits: int, words: int) -> int | None:
    if match.group(digits):
        return int(match.group(digits))
    spoken = match.group(words)
    if spoken is None:
        return None
    spoken = spoken.replace("-", " ")
    compound = spoken.startswith(("twenty", "thirty")) and spoken not in _EN_ORDINAL_WORDS
    if " " in spoken or compound:
        tens = 20 if spoken.startswith("twenty") else 30
        rest = spoken.removeprefix("twenty" if tens == 20 else "thirty").strip()
        return tens + _EN_ORDINAL_WORDS[rest]
    return _EN_ORDINAL_WORDS[spoken]


def _offset(days: int) -> Resolver:
    return lambda _m, today: today + timedelta(days=days)


def _days(group: int, per: int, parse: Callable[[str], int | None]) -> Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        count = parse(match.group(group))
        return today + timedelta(days=count * per) if count is not None else None

    return resolve


def _months_later(group: int, parse: Callable[[str], int | None]) -> Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        count = parse(match.group(group))
        return cal.add_months(today, count) if count is not None else None

    return resolve


def _day_of_month(
    group: int, months_ahead: int | None, parse: Callable[[str], int | None]
) -> Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        day = parse(match.group(group))
        if day is None or not 1 <= day <= 31:
            return None
        if months_ahead is None:
            return cal.next_day_of_month(today, day)
        return cal.day_of_month_in(today, months_ahead, day)

    return resolve


def _zh_weekday(group: int, weeks_ahead: int) -> Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        weekday = _ZH_WEEKDAYS[match.group(group)]
        if weeks_ahead == 0:
            return cal.coming_weekday(today, weekday)
        return cal.weekday_of_next_week(today, weekday, weeks_ahead)

    return resolve


def _en_weekday(group: int, weeks_ahead: int) -> Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        weekday = _EN_WEEKDAYS[match.group(group)]
        if weeks_ahead == 0:
            return cal.coming_weekday(today, weekday)
        return cal.weekday_of_next_week(today, weekday, weeks_ahead)

    return resolve


def _month_end(months_ahead: int) -> Resolver:
    def resolve(_m: re.Match[str], today: date) -> date:
        first = cal.add_months(today.replace(day=1), months_ahead, 1)
        return cal.month_end(first.year, first.month)

    return resolve


def _zh_month_day(month: int, day: int, year: int | None = None) -> Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        m, d = _zh_int(match.group(month)), _zh_int(match.group(day))
        y = int(match.group(year)) if year is not None else None
        return cal.next_month_day(today, m, d, y) if m is not None and d is not None else None

    return resolve


def _en_month_day(month: int, digits: int, words: int) -> Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        day = _en_ordinal(match, digits, words)
        m = _EN_MONTHS[match.group(month)[:3]]
        return cal.next_month_day(today, m, day) if day is not None else None

    return resolve


def _numeric_month_day(month: int, day: int) -> Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        return cal.next_month_day(today, int(match.group(month)), int(match.group(day)))

    return resolve


def _iso(match: re.Match[str], _today: date) -> date | None:
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _next_first(_m: re.Match[str], today: date) -> date:
    return cal.next_day_of_month(today, 1)


def _coming(weekday: int) -> Resolver:
    return lambda _m, today: cal.coming_weekday(today, weekday)


def _next_week(weekday: int, weeks: int = 1) -> Resolver:
    return lambda _m, today: cal.weekday_of_next_week(today, weekday, weeks)


def _no_day(_m: re.Match[str], _today: date) -> None:
    return None


def _en_dom(match: re.Match[str], today: date) -> date | None:
    day = _en_ordinal(match, 1, 2)
    if day is None or not 1 <= day <= 31:
        return None
    return cal.next_day_of_month(today, day)


_ZH_RULES: list[tuple[str, Resolver]] = [
    (r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?", _iso),
    (r"(\d{4})年" + _ZH_MONTH + r"月份?" + _ZH_DAY + r"[号日]", _zh_month_day(2, 3, 1)),
    (
        _NOT_AFTER_NUMBER + _ZH_MONTH + r"月份?" + _ZH_DAY + r"[号日]?(?![天个期块元])",
        _zh_month_day(1, 2),
    ),
    (r"下下个?月的?" + _ZH_DAY + r"[号日]", _day_of_month(1, 2, _zh_int)),
    (r"下个?月的?" + _ZH_DAY + r"(?:[号日]|(?![天个期块元]))", _day_of_month(1, 1, _zh_int)),
    (r"(?:这个|本)月的?" + _ZH_DAY + r"[号日]", _day_of_month(1, 0, _zh_int)),
    (r"下个?月(?:底|末|最后一天)", _month_end(1)),
    (r"(?:这个|本)?月(?:底|末|最后一天)", _month_end(0)),
    (r"下个?月(?:初|头)?", lambda _m, today: cal.day_of_month_in(today, 1, 1)),
    (r"月初", _next_first),
    (r"月中", lambda _m, today: cal.next_day_of_month(today, 15)),
    (r"(?:今年)?年(?:底|末)", lambda _m, today: date(today.year, 12, 31)),
    (r"下下个?" + _ZH_WEEK + _ZH_WD, _zh_weekday(1, 2)),
    (r"下个?" + _ZH_WEEK + _ZH_WD, _zh_weekday(1, 1)),
    (r"(?:这|本|这个)" + _ZH_WEEK + _ZH_WD, _zh_weekday(1, 0)),
    (_ZH_WEEK + _ZH_WD, _zh_weekday(1, 0)),
    (r"下个?(?:周|星期|礼拜)末", _next_week(5)),
    (r"(?:这个?|本)?(?:周|星期|礼拜)末", _coming(5)),
    (r"下个?(?:周|星期|礼拜)(?!末)", _next_week(0)),
    (r"大后天", _offset(3)),
    (r"后天", _offset(2)),
    (r"明天|明儿|明早|明晚|明日|明个|明天早上|明天晚上", _offset(1)),
    (r"今天|今晚|今儿|今日|今早|今个|马上|立刻|立马|现在就|等会儿?|一会儿?", _offset(0)),
    (r"大前天", _offset(-3)),
    (r"前天", _offset(-2)),
    (r"昨天|昨晚|昨儿|昨日", _offset(-1)),
    (
        r"上个?(?:周|星期|礼拜)" + _ZH_WD,
        lambda m, today: cal.weekday_of_next_week(today, _ZH_WEEKDAYS[m.group(1)], -1),
    ),
    (r"(?:过|再过)(" + _ZH_NUM + r")天", _days(1, 1, _zh_int)),
    (r"(" + _ZH_NUM + r")天(?:以?后|之后|之内|以内|内)", _days(1, 1, _zh_int)),
    (
        r"(?:过|再过)?(" + _ZH_NUM + r")个?(?:周|星期|礼拜)(?:以?后|之后|之内|以内|内)",
        _days(1, 7, _zh_int),
    ),
    (r"(?:过|再过)?(" + _ZH_NUM + r")个月(?:以?后|之后)", _months_later(1, _zh_int)),
    (_NOT_AFTER_NUMBER + _ZH_DAY + r"[号日](?![子线期])", _day_of_month(1, None, _zh_int)),
    (r"过(?:几|两)天|改天|过段时间|过一阵", _no_day),
]

_EN_RULES: list[tuple[str, Resolver]] = [
    (r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", _iso),
    (r"\b" + _EN_MONTH + r"\s+(?:the\s+)?(?:" + _EN_ORD + r")\b", _en_month_day(1, 2, 3)),
    (r"\b(?:the\s+)?(?:" + _EN_ORD + r")\s+(?:of\s+)?" + _EN_MONTH, _en_month_day(3, 1, 2)),
    (r"\b(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])\b(?!/)", _numeric_month_day(1, 2)),
    (r"\bend of next month\b", _month_end(1)),
    (
        r"\b(?:the\s+)?end of (?:the |this )?month\b|\bmonth[- ]end\b|\bend of month\b",
        _month_end(0),
    ),
    (
        r"\b(?:the\s+)?(?:beginning|start) of (?:the |next )?month\b|\bearly next month\b"
        r"|\bnext month\b",
        lambda _m, today: cal.day_of_month_in(today, 1, 1),
    ),
    (
        r"\b(?:the\s+)?middle of (?:the |this )?month\b|\bmid[- ]month\b",
        lambda _m, today: cal.next_day_of_month(today, 15),
    ),
    (r"\bend of (?:the |this )?year\b", lambda _m, today: date(today.year, 12, 31)),
    (r"\b" + _EN_WD + r" after next\b", _en_weekday(1, 2)),
    (r"\bnext week'?s? " + _EN_WD + r"\b", _en_weekday(1, 1)),
    (r"\b" + _EN_WD + r" next week\b", _en_weekday(1, 1)),
    (r"\bnext " + _EN_WD + r"\b", _en_weekday(1, 1)),
    (
        r"\b(?:this|coming|this coming|on|by|before|until|til|till) " + _EN_WD + r"\b",
        _en_weekday(1, 0),
    ),
    (r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|fri)\b", _en_weekday(1, 0)),
    (r"\bnext weekend\b", _next_week(5)),
    (r"\b(?:this |the )?weekend\b", _coming(5)),
    (r"\b(?:the\s+)?end of (?:the |this )?week\b", _coming(4)),
    (r"\bnext week\b", _next_week(0)),
    (r"\b(?:the\s+)?day after tomorrow\b", _offset(2)),
    (r"\b(?:tomorrow|tomorow|tommorow|tommorrow|tmrw?|2morrow|2moro|tmw)\b", _offset(1)),
    (
        r"\b(?:today|tonight|this (?:morning|afternoon|evening)|right now|right away|"
        r"immediately|later today|end of (?:the )?day)\b",
        _offset(0),
    ),
    (r"\b(?:the\s+)?day before yesterday\b", _offset(-2)),
    (r"\byesterday\b", _offset(-1)),
    (
        r"\blast " + _EN_WD + r"\b",
        lambda m, today: cal.weekday_of_next_week(today, _EN_WEEKDAYS[m.group(1)], -1),
    ),
    (r"\b(?:in|within|after) " + _EN_COUNT + r" days?\b", _days(1, 1, _en_int)),
    (r"\b" + _EN_COUNT + r" days? (?:from (?:now|today)|later)\b", _days(1, 1, _en_int)),
    (r"\b(?:in|within|after) " + _EN_COUNT + r" weeks?\b", _days(1, 7, _en_int)),
    (r"\b" + _EN_COUNT + r" weeks? (?:from (?:now|today)|later)\b", _days(1, 7, _en_int)),
    (r"\bin (?:a )?fortnight\b", _offset(14)),
    (r"\b(?:in|within) " + _EN_COUNT + r" months?\b", _months_later(1, _en_int)),
    (
        r"\b(?:on|by|before|until|till|the)\s+(?:the\s+)?(?:" + _EN_ORD + r")\b(?!\s*(?:time|one|"
        r"payments?\b|instal))",
        _en_dom,
    ),
    (r"\b(\d{1,2})(?:st|nd|rd|th)\b", _day_of_month(1, None, int)),
    (r"\bin a few days\b|\bsoon\b|\bsome ?time\b|\bpayday\b", _no_day),
]


_ZH_TIME_WORD = r"(?:早上|上午|中午|下午|晚上|傍晚|夜里|凌晨)"
_ZH_TIME = (
    _ZH_TIME_WORD
    + r"(?:"
    + _ZH_NUM
    + r"[点點](?:半|钟|"
    + _ZH_NUM
    + r"分?)?)?|"
    + _ZH_NUM
    + r"[点點](?:钟|半|前|之前|以前|左右|以后|后)"
)
_EN_TIME = r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)\b|\b\d{1,2}:\d{2}\b"

_COMPILED: dict[str, list[tuple[re.Pattern[str], Resolver]]] = {
    "zh": [(re.compile(p), r) for p, r in _ZH_RULES],
    "en": [(re.compile(p), r) for p, r in _EN_RULES],
}
_TIME = {"zh": re.compile(_ZH_TIME), "en": re.compile(_EN_TIME)}


def find_dates(text: str, today: date) -> list[DateMention]:
    """Every date mention (both languages' rules), left to right, without overlaps.

    `text` must be normalised (lower case, half-width). Earlier rules win at the same position
    when they are longer; times of day are returned as `time_only` mentions of today.
    """
    found: list[DateMention] = []
    for rules in _COMPILED.values():
        for pattern, resolve in rules:
            for match in pattern.finditer(text):
                found.append(DateMention(match.start(), match.end(), resolve(match, today)))
    for pattern in _TIME.values():
        for match in pattern.finditer(text):
            found.append(DateMention(match.start(), match.end(), today, time_only=True))
    return _without_overlaps(found)


def _without_overlaps(mentions: list[DateMention]) -> list[DateMention]:
    chosen: list[DateMention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start), m.time_only)):
        if chosen and mention.start < chosen[-1].end:
            continue
        chosen.append(mention)
    return chosen


def extract_date(text: str, today: date) -> date | None:
    """The first day-resolving mention; a time of day alone means today."""
    mentions = find_dates(text, today)
    for mention in mentions:
        if not mention.time_only and mention.value is not None:
            return mention.value
    if any(not m.time_only for m in mentions):
        return None
    return today if mentions else None


__all__ = ["DateMention", "en_words_to_number", "extract_date", "find_dates"]
