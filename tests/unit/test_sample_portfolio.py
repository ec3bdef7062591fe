"""The sample portfolio generator: reproducible, realistic and in the import schema."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
import polars as pl
import pytest
from phonenumbers import timezone as phone_timezones

from huankuan.domain.delinquency import BucketScheme, DueSchedule, days_past_due
from huankuan.domain.errors import InvalidInput
from huankuan.service_layer.ingest_schema import SCHEMAS
from huankuan.simulation.dirty import DEFECT_KINDS
from huankuan.simulation.phones import US_ZONE_SHARES, zone_set_for
from huankuan.simulation.portfolio import FILE_COLUMNS, generate_portfolio

AS_OF = date(2026, 3, 31)  # a month end: the schedule arithmetic must clamp nothing


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    out = tmp_path_factory.mktemp("sample")
    generate_portfolio(out, accounts=6000, seed=11, as_of=AS_OF)
    return {name: pl.read_csv(out / f"{name}.csv", infer_schema=False) for name in FILE_COLUMNS}


def _files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_it_writes_byte_identical_files_for_the_same_seed(tmp_path: Path, fmt: str) -> None:
    for name in ("one", "two"):
        generate_portfolio(tmp_path / name, accounts=300, seed=5, fmt=fmt, dirty=True, as_of=AS_OF)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_it_writes_different_files_for_another_seed(tmp_path: Path) -> None:
    generate_portfolio(tmp_path / "one", accounts=300, seed=5, as_of=AS_OF)
    generate_portfolio(tmp_path / "two", accounts=300, seed=6, as_of=AS_OF)
    assert _files(tmp_path / "one") != _files(tmp_path / "two")


def test_it_writes_exactly_the_import_schema_columns(portfolio: dict[str, pl.DataFrame]) -> None:
    for name, frame in portfolio.items():
        assert frame.columns == SCHEMAS[name].names


def test_it_spreads_days_past_due_over_the_buckets_as_intended(
    portfolio: dict[str, pl.DataFrame],
) -> None:
    accounts = portfolio["accounts"].with_columns(
        pl.col("first_due_on", "balance_as_of").str.to_date(),
        pl.col("instalment_minor", "term_months", "paid_to_date_minor").cast(pl.Int64),
    )
    scheme = BucketScheme()
    buckets: Counter[str] = Counter()
    for row in accounts.iter_rows(named=True):
        schedule = DueSchedule(row["first_due_on"], row["instalment_minor"], row["term_months"])
        oldest = schedule.oldest_unpaid_due_on(row["paid_to_date_minor"], row["balance_as_of"])
        buckets[scheme.bucket(days_past_due(oldest, AS_OF))] += 1
    shares = {bucket: count / accounts.height for bucket, count in buckets.items()}
    expected = {"M1": 0.45, "M2": 0.22, "M3": 0.15, "M4+": 0.13, "write_off": 0.05}
    assert set(shares) == set(expected)  # nobody is current
    for bucket, share in expected.items():
        assert shares[bucket] == pytest.approx(share, abs=0.025), bucket


def test_it_mixes_chinese_and_american_debtors_with_matching_attributes(
    portfolio: dict[str, pl.DataFrame],
) -> None:
    debtors = portfolio["accounts"].unique("debtor_id")
    chinese = debtors.filter(pl.col("locale") == "zh_CN")
    american = debtors.filter(pl.col("locale") == "en_US")
    assert chinese.height / debtors.height == pytest.approx(0.6, abs=0.03)
    assert set(chinese["currency"]) == {"CNY"} and set(chinese["jurisdiction"]) == {"CN-NIFA"}
    assert set(chinese["timezone"]) == {"Asia/Shanghai"}
    assert set(american["currency"]) == {"USD"} and set(american["jurisdiction"]) == {"US-RegF"}
    assert set(american["timezone"]) == set(US_ZONE_SHARES)


def test_it_draws_balances_in_the_expected_ranges(portfolio: dict[str, pl.DataFrame]) -> None:
    accounts = portfolio["accounts"].with_columns(
        pl.col(
            "principal_minor", "interest_minor", "penalty_minor", "fees_minor", "paid_to_date_minor"
        ).cast(pl.Int64)
    )
    loans = accounts.with_columns(
        loan=(pl.col("principal_minor") + pl.col("paid_to_date_minor")) // 100
    )
    for currency, (low, high) in {"CNY": (500, 50_000), "USD": (300, 15_000)}.items():
        amounts = loans.filter(pl.col("currency") == currency)["loan"]
        assert amounts.quantile(0.05) >= low * 0.9
        assert amounts.quantile(0.95) <= high * 1.5
    money = accounts.select(pl.col("^.*_minor$").cast(pl.Int64)).to_series(0)
    assert (money >= 0).all()


def test_it_generates_only_phone_numbers_that_phonenumbers_accepts(
    portfolio: dict[str, pl.DataFrame],
) -> None:
    phones = portfolio["contacts"].filter(pl.col("kind") == "phone")
    for value in phones["value"].sample(3000, seed=1):
        assert phonenumbers.is_valid_number(phonenumbers.parse(value, None)), value


def test_it_gives_every_phone_the_time_zone_of_its_number(
    portfolio: dict[str, pl.DataFrame],
) -> None:
    phones = portfolio["contacts"].filter(pl.col("kind") == "phone").sample(3000, seed=2)
    for value, zone in phones.select("value", "timezone").iter_rows():
        zones = phone_timezones.time_zones_for_number(phonenumbers.parse(value, None))
        # phonenumbers maps no Alaskan number to Anchorage alone; see simulation/phones.py
        assert zones == zone_set_for(zone) and zone in zones, (value, zone)
        if zone != "America/Anchorage":
            assert zones == (zone,)


def test_it_gives_debtors_two_to_five_contact_points_with_the_expected_roles(
    portfolio: dict[str, pl.DataFrame],
) -> None:
    contacts = portfolio["contacts"]
    per_debtor = contacts.group_by("debtor_id").agg(
        total=pl.len(),
        own_mobiles=((pl.col("kind") == "phone") & (pl.col("role") == "self")).sum(),
        emergency=(pl.col("role") == "emergency_contact").sum(),
    )
    assert per_debtor["total"].min() >= 2 and per_debtor["total"].max() <= 5
    assert per_debtor["own_mobiles"].min() >= 1 and per_debtor["own_mobiles"].max() <= 2
    assert per_debtor["emergency"].min() >= 1 and per_debtor["emergency"].max() <= 2
    assert set(contacts["role"]) == {"self", "emergency_contact", "workplace"}
    invalid = (contacts["valid"] == "false").mean()
    no_consent = (contacts["consent"] == "false").mean()
    opted_out = contacts["opted_out"].is_not_null().mean()
    assert 0 < invalid < 0.1 and 0 < no_consent < 0.1 and 0 < opted_out < 0.1


def test_it_puts_holds_on_one_or_two_percent_of_accounts(
    portfolio: dict[str, pl.DataFrame],
) -> None:
    holds = portfolio["accounts"]["holds"]
    assert 0.01 <= holds.is_not_null().mean() <= 0.02
    assert set(holds.drop_nulls()) <= {
        "dispute",
        "bankruptcy",
        "deceased",
        "attorney",
        "cease_contact",
    }


def test_it_dates_payments_shortly_before_or_just_after_the_balance_date(
    portfolio: dict[str, pl.DataFrame],
) -> None:
    payments = portfolio["payments"].join(
        portfolio["accounts"].select("account_id", "timezone", "currency", "paid_to_date_minor"),
        on="account_id",
        suffix="_account",
    )
    assert (payments["currency"] == payments["currency_account"]).all()
    local_dates = [
        datetime.fromisoformat(at).astimezone(ZoneInfo(zone)).date()
        for at, zone in payments.select("received_at", "timezone").iter_rows()
    ]
    offsets = Counter((day - AS_OF).days for day in local_dates)
    assert min(offsets) >= -10 and max(offsets) <= 2
    before = sum(count for offset, count in offsets.items() if offset < 0)
    assert before > sum(offsets.values()) / 2  # mostly partial payments inside the balances
    latest = max(datetime.fromisoformat(at) for at in payments["received_at"])
    assert latest < datetime.combine(AS_OF, datetime.min.time(), UTC) + timedelta(days=4)


def test_it_spoils_two_percent_of_each_file_as_the_manifest_says(tmp_path: Path) -> None:
    report = generate_portfolio(tmp_path, accounts=3000, seed=3, dirty=True, as_of=AS_OF)
    manifest = json.loads((tmp_path / "dirty-manifest.json").read_text(encoding="utf-8"))
    clean_dir = tmp_path / "clean"
    generate_portfolio(clean_dir, accounts=3000, seed=3, as_of=AS_OF)
    for name, expected in manifest["files"].items():
        dirty = pl.read_csv(tmp_path / f"{name}.csv", infer_schema=False)
        clean = pl.read_csv(clean_dir / f"{name}.csv", infer_schema=False)
        changed = [
            index + 2
            for index, (a, b) in enumerate(zip(dirty.rows(), clean.rows(), strict=True))
            if a != b
        ]
        assert changed == expected["lines"]
        assert expected["rejects"] == len(changed) == round(0.02 * clean.height)
        assert sum(expected["by_kind"].values()) == expected["rejects"]
        assert set(expected["by_kind"]) == set(DEFECT_KINDS[name])
        assert report.rejects_expected[name] == expected["rejects"]


def test_it_refuses_an_unknown_locale_or_format(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="--locale"):
        generate_portfolio(tmp_path, accounts=10, seed=1, locale="fr_FR", as_of=AS_OF)
    with pytest.raises(InvalidInput, match="--format"):
        generate_portfolio(tmp_path, accounts=10, seed=1, fmt="xlsx", as_of=AS_OF)
