"""History features: windows count only events before the snapshot, per snapshot date."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from huankuan.scoring.features import MODEL_FEATURES, NEVER_DAYS, History, build_features

DAY = date(2026, 11, 28)


def states(*as_of: date) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "account_id": ["A1"] * len(as_of),
            "debtor_id": ["D1"] * len(as_of),
            "as_of": list(as_of),
            "days_past_due": [40] * len(as_of),
            "days_past_due_30d_ago": [10] * len(as_of),
            "outstanding_minor": [300_000] * len(as_of),
            "instalment_minor": [100_000] * len(as_of),
            "scheduled_minor": [600_000] * len(as_of),
            "paid_minor": [300_000] * len(as_of),
            "usable_self_phones": [1] * len(as_of),
            "locale": ["zh_CN"] * len(as_of),
        }
    )


def history(**frames: pl.DataFrame) -> History:
    empty = History.empty()
    return History(
        payments=frames.get("payments", empty.payments),
        promises=frames.get("promises", empty.promises),
        attempts=frames.get("attempts", empty.attempts),
        complaints=frames.get("complaints", empty.complaints),
    )


def ago(days: int, at: date = DAY) -> date:
    return at - timedelta(days=days)


def test_it_counts_payments_in_the_30_and_90_day_windows_before_the_snapshot() -> None:
    payments = pl.DataFrame(
        {
            "account_id": ["A1"] * 4,
            "on": [ago(1), ago(30), ago(31), DAY],  # the last is on the day itself: not yet
            "amount_minor": [10_000, 20_000, 40_000, 80_000],
        }
    )
    row = build_features(states(DAY), history(payments=payments)).row(0, named=True)
    assert row["payments_30d"] == 2 and row["payments_90d"] == 3
    assert row["repaid_90d_ratio"] == 0.7
    assert row["days_since_payment"] == 1


def test_it_scores_contact_history_by_outcome_and_channel() -> None:
    attempts = pl.DataFrame(
        {
            "debtor_id": ["D1"] * 5,
            "on": [ago(2), ago(3), ago(5), ago(40), ago(3)],
            "channel": ["robot_call", "agent_call", "sms", "agent_call", "sms"],
            "outcome": ["no_answer", "promise_to_pay", "responded", "refused", "delivered"],
        }
    )
    row = build_features(states(DAY), history(attempts=attempts)).row(0, named=True)
    assert row["attempts_30d"] == 4
    assert row["right_party_contacts_30d"] == 1
    assert row["right_party_rate_90d"] == 2 / 5
    assert row["sms_response_rate_90d"] == 0.5
    assert row["call_answer_rate_90d"] == 2 / 3
    assert row["days_since_contact"] == 2 and row["days_since_right_party_contact"] == 3


def test_it_counts_promises_made_kept_and_broken_on_their_own_days() -> None:
    promises = pl.DataFrame(
        {
            "account_id": ["A1", "A1", "A1"],
            "promised_on": [ago(20), ago(10), ago(100)],
            "status": ["kept", "broken", "kept"],
            "resolved_on": [ago(15), ago(2), ago(95)],
        }
    )
    row = build_features(states(DAY), history(promises=promises)).row(0, named=True)
    assert (row["promises_90d"], row["promises_kept_90d"], row["promises_broken_90d"]) == (2, 1, 1)


def test_it_computes_each_snapshot_date_from_its_own_past() -> None:
    complaints = pl.DataFrame({"debtor_id": ["D1"], "on": [ago(10)]})
    frame = build_features(states(ago(20), DAY), history(complaints=complaints))
    assert frame["complaints_90d"].to_list() == [0.0, 1.0]


def test_it_gives_an_account_without_history_zero_counts_and_never_contacted() -> None:
    row = build_features(states(DAY), history()).row(0, named=True)
    assert row["attempts_30d"] == 0 and row["payments_90d"] == 0
    assert row["days_since_contact"] == NEVER_DAYS
    assert row["right_party_rate_90d"] is None  # undefined, the models take it as missing
    assert row["days_past_due_change_30d"] == 30 and row["speaks_chinese"] == 1
    assert set(MODEL_FEATURES) <= set(row)
