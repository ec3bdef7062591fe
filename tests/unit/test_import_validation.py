"""Row validation of import files: every bad value gives the right line, column and reason."""

from __future__ import annotations

import random
import re
from datetime import date, datetime

import phonenumbers
import polars as pl
import pytest
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneNumberType

from huankuan.service_layer.ingest_phones import valid_e164_numbers
from huankuan.service_layer.ingest_schema import SCHEMAS
from huankuan.service_layer.ingest_validation import (
    Checked,
    check_debtor_consistency,
    check_payments,
    check_rows,
)

ACCOUNT = {
    "account_id": "A1",
    "debtor_id": "D1",
    "debtor_name": "王芳",
    "national_id": "110101199001011234",
    "date_of_birth": "1990-01-01",
    "locale": "zh_CN",
    "jurisdiction": "CN-NIFA",
    "product": "cash_loan",
    "currency": "CNY",
    "principal_minor": "500000",
    "interest_minor": "12000",
    "penalty_minor": "300",
    "fees_minor": "0",
    "paid_to_date_minor": "100000",
    "instalment_minor": "50000",
    "term_months": "12",
    "first_due_on": "2026-01-15",
    "opened_on": "2025-12-10",
    "balance_as_of": "2026-11-28",
    "timezone": "Asia/Shanghai",
    "holds": None,
}
CONTACT = {
    "contact_id": "K1",
    "debtor_id": "D1",
    "kind": "phone",
    "value": "+8613812345678",
    "role": "self",
    "timezone": "Asia/Shanghai",
    "valid": "true",
    "consent": "true",
    "opted_out": None,
}
PAYMENT = {
    "payment_id": "P1",
    "account_id": "A1",
    "amount_minor": "5000",
    "currency": "CNY",
    "received_at": "2026-11-27T10:15:00+08:00",
    "method": "alipay",
}
BASE = {"accounts": ACCOUNT, "contacts": CONTACT, "payments": PAYMENT}


def check(kind: str, *changes: dict[str, str | None]) -> Checked:
    """Check one row per `changes` (each a change of the valid base row, with its own id),
    on lines 2, 3, ..."""
    schema = SCHEMAS[kind]
    base_id = BASE[kind][schema.id_column]
    rows = [
        {**BASE[kind], schema.id_column: base_id if i == 0 else f"{base_id}-{i}", **change}
        for i, change in enumerate(changes)
    ]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(schema.names, pl.String))
    return check_rows(schema, frame.with_columns(line=pl.int_range(2, len(rows) + 2)))


def problems(checked: Checked) -> list[tuple[int, str, str | None, str]]:
    return [tuple(row) for row in checked.problems.iter_rows()]  # type: ignore[misc]


def only_problem(checked: Checked) -> tuple[int, str, str | None, str]:
    assert checked.rows.is_empty(), checked.rows
    [problem] = problems(checked)
    return problem


def test_it_passes_a_good_row_through_typed() -> None:
    checked = check("accounts", {})
    assert checked.problems.is_empty()
    row = checked.rows.row(0, named=True)
    assert row["line"] == 2 and row["principal_minor"] == 500_000
    assert row["first_due_on"] == date(2026, 1, 15) and row["holds"] is None


def test_it_rejects_negative_money_with_line_and_column() -> None:
    line, column, value, reason = only_problem(check("accounts", {"fees_minor": "-300"}))
    assert (line, column, value) == (2, "fees_minor", "-300")
    assert reason == "must not be negative"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("12.50", "not a decimal"),
        ("1e3", "not scientific notation"),
        ("1,200", "not an integer number of minor units"),
        ("abc", "not an integer number of minor units"),
        ("9999999999999999", "too large"),
    ],
)
def test_it_rejects_money_that_is_not_an_integer_of_minor_units(value: str, says: str) -> None:
    _, column, found, reason = only_problem(check("payments", {"amount_minor": value}))
    assert column == "amount_minor" and found == value and says in reason


def test_it_rejects_a_zero_instalment_and_amount() -> None:
    assert only_problem(check("accounts", {"instalment_minor": "0"}))[3] == "must be greater than 0"
    assert only_problem(check("payments", {"amount_minor": "0"}))[3] == "must be greater than 0"


def test_it_rejects_an_impossible_date_and_a_badly_written_one() -> None:
    checked = check("accounts", {"first_due_on": "2026-02-30"}, {"opened_on": "15/01/2026"})
    assert problems(checked) == [
        (2, "first_due_on", "2026-02-30", "not a real calendar date"),
        (3, "opened_on", "15/01/2026", "expected a date as YYYY-MM-DD"),
    ]


def test_it_accepts_an_empty_date_of_birth_but_not_an_empty_first_due_date() -> None:
    assert check("accounts", {"date_of_birth": None}).problems.is_empty()
    assert only_problem(check("accounts", {"first_due_on": "  "}))[2:] == (
        None,
        "required value is missing",
    )


def test_it_rejects_an_unknown_currency_naming_the_accepted_ones() -> None:
    _, column, value, reason = only_problem(check("accounts", {"currency": "RMB"}))
    assert (column, value) == ("currency", "RMB")
    assert reason.startswith("unknown currency; accepted: CNY, USD")


def test_it_rejects_an_unknown_time_zone() -> None:
    _, column, value, reason = only_problem(check("accounts", {"timezone": "Asia/Beijing"}))
    assert (column, value) == ("timezone", "Asia/Beijing") and "IANA" in reason


def test_it_rejects_every_repeat_of_an_id_after_the_first() -> None:
    checked = check(
        "contacts", {}, {"contact_id": "K2"}, {"contact_id": "K1"}, {"contact_id": "K2"}
    )
    assert problems(checked) == [
        (4, "contact_id", "K1", "duplicate contact_id in this file (first on line 2)"),
        (5, "contact_id", "K2", "duplicate contact_id in this file (first on line 3)"),
    ]
    assert checked.rows["line"].to_list() == [2, 3]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("+86123456", "not a valid phone number"),
        ("+11234567890", "not a valid phone number"),
        ("13812345678", "E.164"),
        ("+1 212 555 0100", "E.164"),
    ],
)
def test_it_rejects_invalid_phone_numbers(value: str, says: str) -> None:
    _, column, found, reason = only_problem(check("contacts", {"value": value}))
    assert (column, found) == ("value", value) and says in reason


def test_it_checks_the_value_by_the_kind_of_contact_point() -> None:
    checked = check(
        "contacts",
        {"kind": "email", "value": "li.lei@163.com"},
        {"kind": "email", "value": "li.lei@"},
        {"kind": "address", "value": "上海市浦东新区世纪大道100号"},
        {"kind": "fax", "value": "+8613812345678"},
    )
    assert problems(checked) == [
        (3, "value", "li.lei@", "not a valid e-mail address"),
        (5, "kind", "fax", "must be one of: phone, email, address"),
    ]


def test_it_defaults_flags_and_stores_opt_outs_in_canonical_order() -> None:
    checked = check(
        "contacts", {"valid": None, "consent": "No", "opted_out": "robot_call; sms;sms"}
    )
    row = checked.rows.row(0, named=True)
    assert (row["valid"], row["consent"], row["opted_out"]) == (True, False, "sms;robot_call")


def test_it_rejects_unknown_channels_and_hold_types() -> None:
    [(_, column, _, reason)] = problems(check("contacts", {"opted_out": "sms;fax"}))
    assert column == "opted_out" and reason.startswith("unknown value(s): fax;")
    [(_, column, _, reason)] = problems(check("accounts", {"holds": "dispute;vacation"}))
    assert column == "holds" and reason.startswith("unknown value(s): vacation;")


def test_it_lists_each_problem_of_a_row_with_several() -> None:
    checked = check(
        "accounts",
        {"currency": "XYZ", "principal_minor": "-1", "term_months": "0", "debtor_name": None},
    )
    assert [(line, column) for line, column, _, _ in problems(checked)] == [
        (2, "debtor_name"),
        (2, "currency"),
        (2, "principal_minor"),
        (2, "term_months"),
    ]


def test_it_rejects_an_account_opened_after_its_first_due_date() -> None:
    line, column, _, reason = only_problem(check("accounts", {"opened_on": "2026-02-01"}))
    assert (line, column) == (2, "opened_on")
    assert reason == "opened_on is after first_due_on (2026-01-15)"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2026-11-27T10:15:00", "has no UTC offset"),
        ("2026-02-30T10:15:00+08:00", "not a real calendar date"),
        ("2026-11-27T25:15:00+08:00", "not a real time of day"),
        ("2026-11-27T10:15:00+19:00", "impossible UTC offset"),
        ("27/11/2026 10:15", "expected an ISO-8601 date-time"),
    ],
)
def test_it_rejects_bad_payment_times(value: str, says: str) -> None:
    _, column, _, reason = only_problem(check("payments", {"received_at": value}))
    assert column == "received_at" and says in reason


@pytest.mark.parametrize(
    ("value", "utc"),
    [
        ("2026-11-27T10:15:00+08:00", datetime(2026, 11, 27, 2, 15)),
        ("2026-11-27T23:30:00-05:00", datetime(2026, 11, 28, 4, 30)),
        ("2026-11-27 10:15+0530", datetime(2026, 11, 27, 4, 45)),
        ("2026-11-27T10:15:00.25Z", datetime(2026, 11, 27, 10, 15, 0, 250_000)),
    ],
)
def test_it_stores_payment_times_as_naive_utc(value: str, utc: datetime) -> None:
    checked = check("payments", {"received_at": value})
    assert checked.rows["received_at"].to_list() == [utc]


def test_it_rejects_later_rows_of_a_debtor_whose_columns_differ() -> None:
    checked = check(
        "accounts", {}, {"account_id": "A2", "debtor_name": "王芳芳"}, {"account_id": "A3"}
    )
    consistent = check_debtor_consistency(checked.rows)
    assert problems(consistent) == [
        (3, "debtor_name", "王芳芳", "debtor D1 has debtor_name 王芳 on line 2; this row differs"),
    ]
    assert consistent.rows["account_id"].to_list() == ["A1", "A3"]


def test_it_rejects_payments_in_another_currency_or_changing_an_allocated_one() -> None:
    checked = check(
        "payments",
        {},
        {"payment_id": "P2", "currency": "USD"},
        {"payment_id": "P3", "amount_minor": "9000"},
        {"payment_id": "P4", "account_id": "A9"},
    )
    accounts = pl.DataFrame({"account_id": ["A1"], "currency": ["CNY"]})
    allocated = pl.DataFrame(
        {
            "payment_id": ["P3"],
            "account_id": ["A1"],
            "amount_minor": [5000],
            "currency": ["CNY"],
            "allocated_on": ["2026-11-28"],
        }
    )
    result = check_payments(checked.rows, accounts, allocated)
    assert problems(result) == [
        (3, "currency", "USD", "currency differs from the account's currency (CNY)"),
        (
            4,
            "amount_minor",
            "9000",
            "payment P3 was allocated on 2026-11-28; send a correction as a new payment",
        ),
        (5, "account_id", "A9", "unknown account; import the accounts file first"),
    ]
    assert result.rows["payment_id"].to_list() == ["P1"]


def _reference_validity(value: str | None) -> bool:
    if value is None or not re.fullmatch(r"\+[1-9]\d{6,14}", value):
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, None))
    except phonenumbers.NumberParseException:
        return False


def test_it_validates_phone_numbers_exactly_as_phonenumbers_does() -> None:
    rng = random.Random(20261128)
    numbers: list[str | None] = [None, "", "abc", "+1 212 555 0100"]
    for regions in COUNTRY_CODE_TO_REGION_CODE.values():
        for region in regions:
            for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE):
                example = phonenumbers.example_number_for_type(region, kind)
                if example is None:
                    continue
                digits = list(
                    f"{example.country_code}{phonenumbers.national_significant_number(example)}"
                )
                for _ in range(4):
                    mutated = digits.copy()
                    mutated[rng.randrange(1, len(mutated))] = rng.choice("0123456789")
                    numbers.append(
                        "+" + "".join(mutated[: len(mutated) + rng.choice((-1, 0, 0, 1))])
                    )
    numbers += [
        "+" + "".join(rng.choice("0123456789") for _ in range(rng.randrange(7, 16)))
        for _ in range(3000)
    ]
    expected = [_reference_validity(value) for value in numbers]
    assert valid_e164_numbers(pl.Series(numbers, dtype=pl.String)).to_list() == expected
    assert 0.1 < sum(expected) / len(expected) < 0.9
