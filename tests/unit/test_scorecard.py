"""The default rule scorecard: transparent points, reasons strongest first, strategy segments."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from huankuan.scoring.scorecard import FACTORS, RuleScorecard, score_one, segment_for

CUTOFFS = [("high", 600), ("medium", 400), ("low", 0)]
SCORECARD = RuleScorecard(CUTOFFS)
TYPICAL = {
    "days_past_due": 10,
    "outstanding_minor": 100_000,
    "instalment_minor": 100_000,
    "scheduled_minor": 600_000,
    "paid_minor": 200_000,
    "recent_payments": 0,
    "usable_self_phones": 1,
    "broken_promises": 0,
}


def features(**overrides: int) -> dict[str, int]:
    return {**TYPICAL, **overrides}


def test_it_adds_documented_points_to_the_base() -> None:
    # 500 + 80 (DPD 1–15) + 60 (≤ 1.5 instalments) + 30 (a third paid)
    assert score_one(features()) == (670, ["DPD_1_15", "SMALL_BALANCE", "PARTLY_REPAID"])


def test_it_lists_the_strongest_reason_first() -> None:
    score, reasons = score_one(
        features(days_past_due=120, usable_self_phones=0, recent_payments=1, broken_promises=2)
    )
    assert reasons[:4] == [
        "DPD_OVER_90",
        "REPEATED_BROKEN_PROMISES",
        "NO_USABLE_PHONE",
        "RECENT_PAYMENT",
    ]
    assert score == 500 - 160 + 60 + 30 + 100 - 150 - 160


def test_it_rewards_a_recent_payment() -> None:
    without, _ = score_one(features())
    with_payment, reasons = score_one(features(recent_payments=1))
    assert with_payment - without == 100 and "RECENT_PAYMENT" in reasons


def test_it_penalises_broken_promises_and_an_unreachable_debtor() -> None:
    score, reasons = score_one(features(broken_promises=1, usable_self_phones=0))
    assert score == 670 - 80 - 150
    assert reasons[0] == "NO_USABLE_PHONE" and "BROKEN_PROMISE" in reasons


def test_it_stays_within_0_and_1000() -> None:
    worst = features(
        days_past_due=400,
        outstanding_minor=10**9,
        paid_minor=0,
        usable_self_phones=0,
        broken_promises=5,
    )
    best = features(
        days_past_due=0,
        outstanding_minor=0,
        paid_minor=600_000,
        recent_payments=3,
        usable_self_phones=3,
    )
    assert score_one(worst)[0] == 0 and score_one(best)[0] == 910


def test_it_copes_with_a_zero_instalment() -> None:
    assert "LARGE_BALANCE" in score_one(features(instalment_minor=0, scheduled_minor=0))[1]
    assert score_one(features(instalment_minor=0, outstanding_minor=0, scheduled_minor=0))


def test_it_segments_by_the_strategy_cut_offs() -> None:
    assert [segment_for(s, CUTOFFS) for s in (1000, 600, 599, 400, 0)] == [
        "high",
        "high",
        "medium",
        "medium",
        "low",
    ]


def test_it_documents_every_reason_code() -> None:
    import huankuan.scoring.scorecard as module

    codes = {band.code for factor in FACTORS for band in factor.bands if band.code}
    assert all(code in (module.__doc__ or "") for code in codes)


feature_rows = st.fixed_dictionaries(
    {
        "days_past_due": st.integers(0, 400),
        "outstanding_minor": st.integers(0, 2_000_000),
        "instalment_minor": st.integers(0, 200_000),
        "scheduled_minor": st.integers(0, 3_000_000),
        "paid_minor": st.integers(0, 3_000_000),
        "recent_payments": st.integers(0, 4),
        "usable_self_phones": st.integers(0, 3),
        "broken_promises": st.integers(0, 3),
    }
)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(feature_rows, min_size=1, max_size=30))
def test_it_scores_a_frame_exactly_as_one_at_a_time(rows: list[dict[str, int]]) -> None:
    scored = SCORECARD.score(pl.DataFrame(rows, schema={k: pl.Int64 for k in rows[0]}))
    for row, out in zip(rows, scored.iter_rows(named=True), strict=True):
        score, reasons = score_one(row)
        assert (out["score"], out["score_reasons"], out["segment"]) == (
            score,
            reasons,
            segment_for(score, CUTOFFS),
        )
