"""Model quality figures: discrimination (AUC, KS, Gini), calibration and stability (PSI).

Plain NumPy over (predicted probability, outcome 0/1) arrays, so the same figures describe the
germancredit benchmark, the simulated history and the live portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

PSI_EPSILON = 1e-4  # an empty bin counts as this share (the log would be infinite)


def _arrays(
    predicted: ArrayLike, actual: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    p = np.asarray(predicted, dtype=np.float64)
    y = np.asarray(actual).astype(np.int8)
    if p.shape != y.shape or p.ndim != 1:
        raise ValueError("predicted and actual must be 1-D arrays of one length")
    return p, y


def auc(predicted: ArrayLike, actual: ArrayLike) -> float:
    """Area under the ROC curve (Mann–Whitney, ties shared); NaN with one class only."""
    p, y = _arrays(predicted, actual)
    positives = int(y.sum())
    negatives = y.size - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(p, kind="mergesort")
    ranks = np.empty(p.size, dtype=np.float64)
    sorted_p = p[order]
    # Average ranks over runs of equal predictions.
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_p)) + 1]
    ends = np.r_[starts[1:], p.size]
    average = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(average, ends - starts)
    return float((ranks[y == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def gini(predicted: ArrayLike, actual: ArrayLike) -> float:
    return 2.0 * auc(predicted, actual) - 1.0


def ks(predicted: ArrayLike, actual: ArrayLike) -> float:
    """Kolmogorov–Smirnov: the largest gap between the cumulative shares of the two classes."""
    p, y = _arrays(predicted, actual)
    positives, negatives = int(y.sum()), int(y.size - y.sum())
    if positives == 0 or negatives == 0:
        return float("nan")
    order = np.argsort(-p, kind="mergesort")
    sorted_p, sorted_y = p[order], y[order]
    last_of_run = np.r_[np.flatnonzero(np.diff(sorted_p)), p.size - 1]
    tpr = np.cumsum(sorted_y)[last_of_run] / positives
    fpr = np.cumsum(1 - sorted_y)[last_of_run] / negatives
    return float(np.max(np.abs(tpr - fpr)))


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_predicted: float
    observed_rate: float


def reliability_table(
    predicted: ArrayLike, actual: ArrayLike, bins: int = 10
) -> list[ReliabilityBin]:
    """Calibration: equal-count bins of the prediction, each with its mean prediction and the
    observed rate (a well-calibrated model has the two close in every bin)."""
    p, y = _arrays(predicted, actual)
    order = np.argsort(p, kind="mergesort")
    table = []
    for chunk in np.array_split(order, min(bins, max(p.size, 1))):
        if chunk.size == 0:
            continue
        table.append(
            ReliabilityBin(
                low=float(p[chunk].min()),
                high=float(p[chunk].max()),
                count=int(chunk.size),
                mean_predicted=float(p[chunk].mean()),
                observed_rate=float(y[chunk].mean()),
            )
        )
    return table


def expected_calibration_error(table: list[ReliabilityBin]) -> float:
    total = sum(row.count for row in table)
    if total == 0:
        return float("nan")
    return sum(row.count * abs(row.mean_predicted - row.observed_rate) for row in table) / total


def psi(expected: ArrayLike, actual: ArrayLike, bins: int = 10) -> float:
    """Population stability index of `actual` against `expected` over the expected sample's
    decile edges. Rule of thumb: < 0.1 stable, 0.1–0.25 some shift, > 0.25 a real shift."""
    base = np.asarray(expected, dtype=np.float64)
    new = np.asarray(actual, dtype=np.float64)
    if base.size == 0 or new.size == 0:
        return float("nan")
    edges = np.unique(np.quantile(base, np.linspace(0, 1, bins + 1)[1:-1]))
    base_share = np.bincount(np.searchsorted(edges, base, side="right"), minlength=edges.size + 1)
    new_share = np.bincount(np.searchsorted(edges, new, side="right"), minlength=edges.size + 1)
    b = np.maximum(base_share / base.size, PSI_EPSILON)
    a = np.maximum(new_share / new.size, PSI_EPSILON)
    return float(np.sum((a - b) * np.log(a / b)))


def summary(predicted: ArrayLike, actual: ArrayLike) -> dict[str, float]:
    """AUC, KS, Gini, the base rate, the mean prediction and the calibration error, rounded."""
    p, y = _arrays(predicted, actual)
    area = auc(p, y)
    return {
        "rows": float(p.size),
        "auc": round(area, 4),
        "ks": round(ks(p, y), 4),
        "gini": round(2 * area - 1, 4),
        "base_rate": round(float(y.mean()) if y.size else float("nan"), 4),
        "mean_predicted": round(float(p.mean()) if p.size else float("nan"), 4),
        "calibration_error": round(expected_calibration_error(reliability_table(p, y)), 4),
    }
