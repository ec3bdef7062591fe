"""Side-by-side what-if runs: the same simulated book under several strategies, one table and
one PNG (recovery curve, cumulative cost, contacts per day, cumulative complaints)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from huankuan.domain.ports import Scorer
from huankuan.simulation.assumptions import Assumptions
from huankuan.simulation.book import build_book
from huankuan.simulation.strategy_sim import RunFigures, simulate
from huankuan.strategy.experiment import Arm

CURVE_DAYS = (7, 14, 30, 45, 60, 90)


@dataclass(frozen=True)
class Comparison:
    runs: list[RunFigures]
    days: int
    accounts: int
    seed: int
    assumptions: str  # the statement: file, version, digest

    def rows(self) -> list[dict[str, object]]:
        return [{"strategy": run.label, **run.totals()} for run in self.runs]

    def curve_points(self) -> list[int]:
        return [day for day in CURVE_DAYS if day <= self.days] or [self.days]


def compare_strategies(
    strategies: Sequence[tuple[str, Sequence[Arm]]],
    assumptions: tuple[Assumptions, str],
    *,
    days: int,
    accounts: int,
    seed: int,
    start: date,
    scorer: Scorer | None = None,
) -> Comparison:
    """Each strategy on its own fresh copy of the same book, with the same seed."""
    runs = []
    for label, arms in strategies:
        book = build_book(accounts, seed, start, assumptions[0])
        figures, _ = simulate(
            book,
            arms,
            assumptions[0],
            days=days,
            seed=seed,
            label=label,
            scorer=scorer,
            experiment=label,
        )
        runs.append(figures)
    return Comparison(runs, days, accounts, seed, assumptions[1])


def plot(comparison: Comparison, path: Path) -> Path:
    """The comparison as a 2 × 2 PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(2, 2, figsize=(12, 8), dpi=100)
    days = list(range(1, comparison.days + 1))
    for run in comparison.runs:
        axes[0][0].plot(days, [100 * v for v in run.recovery_curve], label=run.label)
        axes[0][1].plot(days, _cumulative(run.cost), label=run.label)
        axes[1][0].plot(days, [sum(day.values()) for day in run.contacts], label=run.label)
        axes[1][1].plot(days, _cumulative([float(c) for c in run.complaints]), label=run.label)
    titles = (
        ("Recovery curve (% of starting balance)", "%"),
        ("Cumulative contact cost", "major units"),
        ("Contacts per day", "actions"),
        ("Cumulative complaints", "complaints"),
    )
    for axis, (title, unit) in zip([a for row in axes for a in row], titles, strict=True):
        axis.set_title(title)
        axis.set_xlabel("day")
        axis.set_ylabel(unit)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.suptitle(
        f"What-if: {comparison.accounts:,} accounts, {comparison.days} days, seed "
        f"{comparison.seed} — {comparison.assumptions}",
        fontsize=9,
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def _cumulative(values: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for value in values:
        total += value
        out.append(total)
    return out
