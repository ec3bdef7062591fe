"""The transparent model: a weight-of-evidence scorecard trained with optbinning.

Training bins each feature optimally (optbinning, OR-Tools CP solver, monotonic where the data
allow), replaces values by their bin's WoE and fits a logistic regression. The result is
exported to `WoeScorecard`: per feature the bin edges and each bin's contribution to the
log-odds (coefficient × WoE), plus an intercept. Scoring needs only NumPy (a `searchsorted` per
feature), and the same table gives the reason codes: the features whose bin lost the most
log-odds against their best bin ("points below maximum", the usual adverse-action method).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

POINTS_TO_DOUBLE_ODDS = 40.0  # scorecard points: 40 more points = twice the odds of paying
BASE_POINTS, BASE_ODDS = 500.0, 1.0  # 500 points = even odds


@dataclass(frozen=True)
class WoeFeature:
    name: str
    splits: tuple[float, ...]  # bin i is [splits[i-1], splits[i]); searchsorted(side="right")
    contributions: tuple[float, ...]  # log-odds per bin (len(splits) + 1)
    missing: float  # log-odds for a missing value

    def contribution(self, values: NDArray[np.float64]) -> NDArray[np.float64]:
        table = np.asarray(self.contributions, dtype=np.float64)
        index = np.searchsorted(np.asarray(self.splits, dtype=np.float64), values, side="right")
        out = table[np.minimum(index, table.size - 1)]
        return np.asarray(np.where(np.isnan(values), self.missing, out), dtype=np.float64)

    @property
    def best(self) -> float:
        return max(*self.contributions, self.missing)


@dataclass(frozen=True)
class WoeScorecard:
    target: str
    intercept: float
    features: tuple[WoeFeature, ...]

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(feature.name for feature in self.features)

    def contributions(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """(rows, features) log-odds contributions; `matrix` columns in `feature_names` order."""
        columns = np.asfortranarray(matrix, dtype=np.float64)  # each column contiguous
        return np.column_stack(
            [feature.contribution(columns[:, i]) for i, feature in enumerate(self.features)]
        )

    def probability(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        return self.probability_from(self.contributions(matrix))

    def probability_from(self, contributions: NDArray[np.float64]) -> NDArray[np.float64]:
        log_odds = self.intercept + contributions.sum(axis=1)
        return np.asarray(1.0 / (1.0 + np.exp(-log_odds)), dtype=np.float64)

    def points(self, matrix: NDArray[np.float64]) -> NDArray[np.float64]:
        """Classic scorecard points (PDO scaling) of each row."""
        log_odds = self.intercept + self.contributions(matrix).sum(axis=1)
        factor = POINTS_TO_DOUBLE_ODDS / math.log(2)
        return np.asarray(BASE_POINTS + factor * (log_odds - math.log(BASE_ODDS)), dtype=np.float64)

    def shortfall(self, contributions: NDArray[np.float64]) -> NDArray[np.float64]:
        """Log-odds each feature lost against its best bin (≥ 0; the reason-code ranking)."""
        best = np.asarray([feature.best for feature in self.features], dtype=np.float64)
        return best[np.newaxis, :] - contributions

    def to_json(self) -> str:
        return json.dumps(
            {
                "target": self.target,
                "intercept": self.intercept,
                "features": [
                    {
                        "name": f.name,
                        "splits": list(f.splits),
                        "contributions": list(f.contributions),
                        "missing": f.missing,
                    }
                    for f in self.features
                ],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> WoeScorecard:
        data = json.loads(text)
        return cls(
            target=data["target"],
            intercept=float(data["intercept"]),
            features=tuple(
                WoeFeature(
                    name=f["name"],
                    splits=tuple(float(s) for s in f["splits"]),
                    contributions=tuple(float(c) for c in f["contributions"]),
                    missing=float(f["missing"]),
                )
                for f in data["features"]
            ),
        )


def train_scorecard(
    matrix: NDArray[np.float64],
    labels: NDArray[np.int8],
    names: Sequence[str],
    target: str,
    *,
    max_bins: int = 6,
) -> WoeScorecard:
    """Bin every numeric feature, fit a logistic regression on the WoE and export the table."""
    from optbinning import OptimalBinning
    from sklearn.linear_model import LogisticRegression

    binnings, woe_columns = [], []
    for column, name in enumerate(names):
        binning = OptimalBinning(
            name=name,
            dtype="numerical",
            solver="cp",
            max_n_bins=max_bins,
            min_bin_size=0.02,
            monotonic_trend="auto_asc_desc",
        )
        binning.fit(matrix[:, column], labels)
        binnings.append(binning)
        woe_columns.append(_woe(binning, matrix[:, column]))
    woe = np.column_stack(woe_columns)
    regression = LogisticRegression(C=1.0, max_iter=1000)
    regression.fit(woe, labels)
    coefficients = regression.coef_[0]
    features = tuple(
        _exported(name, binning, float(coefficient))
        for name, binning, coefficient in zip(names, binnings, coefficients, strict=True)
    )
    return WoeScorecard(target=target, intercept=float(regression.intercept_[0]), features=features)


def _woe(binning: object, values: NDArray[np.float64]) -> NDArray[np.float64]:
    transformed = binning.transform(  # type: ignore[attr-defined]
        values, metric="woe", metric_missing="empirical", metric_special="empirical"
    )
    return np.asarray(transformed, dtype=np.float64)


def _exported(name: str, binning: object, coefficient: float) -> WoeFeature:
    splits = np.asarray(getattr(binning, "splits", []), dtype=np.float64)
    if splits.size:
        inside = (splits[1:] + splits[:-1]) / 2
        representatives = np.r_[splits[0] - 1.0, inside, splits[-1] + 1.0]
    else:
        representatives = np.asarray([0.0])
    woe = _woe(binning, representatives)
    missing = float(_woe(binning, np.asarray([np.nan]))[0])
    return WoeFeature(
        name=name,
        splits=tuple(float(s) for s in splits),
        contributions=tuple(float(coefficient * w) for w in woe),
        missing=coefficient * missing,
    )
