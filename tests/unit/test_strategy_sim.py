"""The what-if simulator: reproducible, persona-driven, strategy-sensitive, plotted."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from huankuan.domain.errors import ConfigError
from huankuan.simulation.assumptions import DEFAULT_ASSUMPTIONS, load_assumptions
from huankuan.simulation.book import PERSONA_NAMES, build_book
from huankuan.simulation.comparison import compare_strategies, plot
from huankuan.simulation.personas import Persona
from huankuan.simulation.strategy_sim import simulate
from huankuan.strategy.experiment import load_arms

ROOT = Path(__file__).resolve().parents[2] / "src/huankuan/strategy/strategies"
START = date(2026, 9, 1)


def run(strategy: str = "default", accounts: int = 600, days: int = 12, seed: int = 5):  # type: ignore[no-untyped-def]
    assumptions, _ = load_assumptions()
    book = build_book(accounts, seed, START, assumptions)
    figures, log = simulate(
        book,
        load_arms(ROOT / f"{strategy}.yaml"),
        assumptions,
        days=days,
        seed=seed,
        label=strategy,
        record=True,
    )
    return book, figures, log


def test_it_reproduces_a_run_exactly_from_its_seed() -> None:
    _, first, _ = run()
    _, second, _ = run()
    assert first.totals() == second.totals() and first.collected == second.collected
    _, other, _ = run(seed=6)
    assert other.collected != first.collected


def test_it_states_its_assumptions_file_version_and_digest() -> None:
    _, statement = load_assumptions()
    assert statement.startswith("assumptions assumptions.yaml v")
    assert "sha256" in statement


def test_it_treats_the_willing_persona_as_the_self_cure_one() -> None:
    assert Persona.SELF_CURE is Persona.WILLING
    assert len(PERSONA_NAMES) == 9  # the alias adds no persona


def test_it_refuses_assumptions_missing_a_persona(tmp_path: Path) -> None:
    text = DEFAULT_ASSUMPTIONS.read_text(encoding="utf-8")
    start = text.index("  unreachable:")
    path = tmp_path / "assumptions.yaml"
    path.write_text(text[:start], encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_assumptions(path)
    assert "unreachable" in caught.value.reason


def test_it_keeps_the_book_consistent_with_the_payments_it_records() -> None:
    book, figures, log = run()
    assert log is not None
    tables = log.tables()
    paid = int(tables["payments"]["amount_minor"].sum())
    assert paid / 100 == pytest.approx(sum(figures.collected))
    assert set(tables["promises"]["status"].unique()) <= {"open", "kept", "broken"}
    assert tables["contact_attempts"]["attempt_id"].n_unique() == tables["contact_attempts"].height
    assert (book.components >= 0).all()


def test_it_makes_unreachable_borrowers_much_harder_to_reach_than_willing_ones() -> None:
    book, _, log = run(accounts=1500)
    assert log is not None
    attempts = log.tables()["contact_attempts"]
    persona = {f"SD{i:07d}": PERSONA_NAMES[p] for i, p in enumerate(book.persona)}
    reached = attempts.with_columns(
        attempts["debtor_id"].replace_strict(persona).alias("persona"),
        ~attempts["outcome"].is_in(["no_answer", "delivered"]).alias("reached"),
    )
    rates = dict(reached.group_by("persona").agg(pl.col("reached").mean()).iter_rows())
    assert rates["unreachable"] < rates["willing"] / 2
    # No usable phone of their own: only letters, e-mail and emergency-contact location calls.
    own_phone = reached.filter(
        (pl.col("persona") == "unreachable") & pl.col("contact_id").str.ends_with("-P1")
    )
    assert own_phone.is_empty()


def test_it_keeps_each_day_inside_the_strategys_capacity() -> None:
    strategy = load_arms(ROOT / "allocated.yaml")[0].strategy
    assert strategy.allocation is not None
    capacity = strategy.allocation.capacity
    _, allocated, _ = run("allocated", accounts=6000, days=3)
    for day in allocated.contacts:
        assert day.get("agent_call", 0) * 8 <= capacity.agent_minutes
        assert day.get("robot_call", 0) <= capacity.robot_lines
        assert day.get("sms", 0) <= capacity.sms
    _, unlimited, _ = run("default", accounts=6000, days=3)
    assert unlimited.contacts[0]["agent_call"] * 8 > capacity.agent_minutes  # it did bind


def test_it_compares_strategies_on_the_same_book_and_plots_them(tmp_path: Path) -> None:
    assumptions = load_assumptions()
    comparison = compare_strategies(
        [(n, load_arms(ROOT / f"{n}.yaml")) for n in ("default", "champion_challenger")],
        assumptions,
        days=8,
        accounts=400,
        seed=2,
        start=START,
    )
    assert [row["strategy"] for row in comparison.rows()] == ["default", "champion_challenger"]
    assert comparison.runs[1].by_arm and set(comparison.runs[1].by_arm) <= {"champion", "sms_first"}
    assert np.all(np.diff(comparison.runs[0].recovery_curve) >= 0)
    png = plot(comparison, tmp_path / "sim.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
