"""How personal data is shown by default (pages, API listings): masked, keeping just enough to
tell two records apart. Revealing the clear value is an audited act of the service layer."""

from __future__ import annotations

MASK = "*"


def mask_phone(value: str) -> str:
    """+86 138****5678 / +1 415***0134: the country code, the first three digits of the
    national number (the carrier or area, which tells two numbers apart) and the last four."""
    digits = "".join(char for char in value if char.isdigit())
    if len(digits) <= 4:
        return MASK * len(digits)
    international = value.strip().startswith("+")
    code = _country_code(digits) if international else ""
    national = digits[len(code) :]
    if len(national) < 10:
        return ("+" + code + " " if code else "") + MASK * (len(national) - 4) + national[-4:]
    masked = national[:3] + MASK * (len(national) - 7) + national[-4:]
    return f"+{code} {masked}" if code else masked


def _country_code(digits: str) -> str:
    """The calling code of an international number: 1 (NANP), 7, the 2-digit codes in use
    (86, 44, 33, …); 3 digits otherwise (852 Hong Kong, 886 Taiwan, …)."""
    if digits[0] in "17":
        return digits[0]
    if digits[:2] in _TWO_DIGIT_CODES:
        return digits[:2]
    return digits[:3]


_TWO_DIGIT_CODES = frozenset(
    [
        "20",
        "27",
        "30",
        "31",
        "32",
        "33",
        "34",
        "36",
        "39",
        "40",
        "41",
        "43",
        "44",
        "45",
        "46",
        "47",
        "48",
        "49",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "60",
        "61",
        "62",
        "63",
        "64",
        "65",
        "66",
        "81",
        "82",
        "84",
        "86",
        "90",
        "91",
        "92",
        "93",
        "94",
        "95",
        "98",
    ]
)


def mask_national_id(value: str) -> str:
    """All but the last four characters hidden."""
    if len(value) <= 4:
        return MASK * len(value)
    return MASK * (len(value) - 4) + value[-4:]


def mask_email(value: str) -> str:
    """The first character of the local part and the domain kept: j***@example.com."""
    local, at, domain = value.partition("@")
    if not at:
        return mask_national_id(value)
    return (local[:1] or MASK) + MASK * 3 + "@" + domain


def mask_name(value: str) -> str:
    """张** / J*** S***: the first character of each part kept (CJK names: the family name)."""
    value = value.strip()
    if not value:
        return value
    if " " not in value:
        return value[0] + MASK * max(len(value) - 1, 1)
    return " ".join(part[0] + MASK * 3 for part in value.split())


def mask_contact(kind: str, value: str) -> str:
    """A contact point's value by its kind: phone, email or address."""
    if kind == "phone":
        return mask_phone(value)
    if kind == "email":
        return mask_email(value)
    return value.split(",")[-1].strip() + " (" + MASK * 3 + ")" if "," in value else MASK * 6
