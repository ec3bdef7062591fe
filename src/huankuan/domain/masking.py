"""How personal data is shown by default (pages, API listings): masked, keeping just enough to
tell two records apart. Revealing the clear value is an audited act of the service layer."""

from __future__ import annotations

MASK = "*"


def mask_phone(value: str) -> str:
    """+86 138****5678 style: the country code and the last four digits kept."""
    digits = "".join(char for char in value if char.isdigit())
    if len(digits) <= 4:
        return MASK * len(digits)
    prefix = "+" if value.strip().startswith("+") else ""
    keep_head = 3 if len(digits) >= 10 else 0
    hidden = len(digits) - keep_head - 4
    return prefix + digits[:keep_head] + MASK * hidden + digits[-4:]


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
