"""Personal data is masked before it reaches the API's logs."""

from __future__ import annotations

import logging

import pytest

from huankuan.entrypoints.api.log_masking import PersonalDataFilter, mask_personal_data


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("id 11010119900307123X called", "id **************123X called"),
        ("call +86 138 0013 8000 now", "call *********8000 now"),
        ("phone (212) 555-0143", "phone ******0143"),
        ("ssn 123-45-6789", "ssn *****6789"),
        ("mail wang.fang@example.com", "mail ***@example.com"),
    ],
)
def test_it_masks_id_numbers_phones_and_emails(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "POST /api/conversations -> 201 (12.5 ms)",
        "amount 2000 due 2026-12-04",
        "GET /api/conversations/CV-89eb3e2456cd49cd",
    ],
)
def test_it_leaves_amounts_dates_and_ids_alone(text: str) -> None:
    assert mask_personal_data(text) == text


def test_it_masks_what_a_log_record_formats() -> None:
    record = logging.LogRecord(
        "huankuan.api", logging.INFO, __file__, 1, "reached %s for %s", ("13800138000", "A1"), None
    )
    assert PersonalDataFilter().filter(record)
    assert record.getMessage() == "reached *******8000 for A1"
