"""Personal data never reaches the logs in clear: ID numbers, phone numbers and e-mail addresses
are masked (the last four characters of a number kept, so support can still match a case)."""

from __future__ import annotations

import logging
import re

# A Chinese resident ID (18 characters, the last may be X) or any long digit run: account and
# card numbers, US SSNs written without dashes.
_ID_NUMBER = re.compile(
    r"(?<![\w])\d{6}(?:19|20)\d{2}\d{7}[\dXx](?![\w])|(?<![\w])\d{11,19}(?![\w])"
)
_SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
# Phone numbers: an optional +country code, then 7+ digits with spaces, dots, dashes, brackets.
_PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().-]{6,}\d(?![\w])")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # 2026-12-04 looks like a phone number to _PHONE
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@([\w-]+\.)+[\w-]+")


def mask_personal_data(text: str) -> str:
    text = _EMAIL.sub(lambda m: "***@" + m.group(0).split("@", 1)[1], text)
    text = _ID_NUMBER.sub(lambda m: _keep_tail(m.group(0)), text)
    text = _SSN.sub(lambda m: _keep_tail(m.group(0)), text)
    return _PHONE.sub(
        lambda m: m.group(0) if _DATE.match(m.group(0)) else _keep_tail(m.group(0)), text
    )


def _keep_tail(value: str) -> str:
    digits = [char for char in value if char.isalnum()]
    if len(digits) < 7:  # a short number (an amount, a year) is not personal
        return value
    return "*" * (len(digits) - 4) + "".join(digits[-4:])


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message with personal data masked (install it on handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def uvicorn_log_config() -> dict[str, object]:
    """uvicorn's logging configuration with the filter on every handler."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"personal_data": {"()": PersonalDataFilter}}
    for handler in config["handlers"].values():
        handler["filters"] = ["personal_data"]
    config["loggers"]["huankuan"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
