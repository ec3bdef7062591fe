"""`huankuan nlu predict|eval|train`: the JSON Lines contract of DESIGN.md §4.3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huankuan.entrypoints.cli.main import app
from tests.nlu_support import NLU_CACHE_DIR, trained_pipeline

runner = CliRunner()


@pytest.fixture(autouse=True)
def cached_model() -> None:
    trained_pipeline()  # trains once per session and caches where the CLI looks (--cache-dir)


def predict(lines: list[str], *extra: str) -> tuple[int, list[dict[str, object]], str]:
    result = runner.invoke(
        app,
        ["nlu", "predict", "-", "--today", "2026-11-25", "--cache-dir", str(NLU_CACHE_DIR), *extra],
        input="\n".join(lines) + "\n",
    )
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, rows, result.output


def test_it_answers_each_line_keeping_its_id() -> None:
    code, rows, output = predict(
        [
            json.dumps({"id": "a-1", "text": "下周五还五百"}),
            json.dumps({"id": 7, "text": "I can pay $200 next Friday", "lang": "en"}),
            json.dumps({"id": None, "text": "我不想活了"}),
        ]
    )
    assert code == 0, output
    assert rows == [
        {
            "id": "a-1",
            "intent": "promise_to_pay",
            "confidence": rows[0]["confidence"],
            "amount": 500,
            "date": "2026-12-04",
        },
        {
            "id": 7,
            "intent": "promise_to_pay",
            "confidence": rows[1]["confidence"],
            "amount": 200,
            "date": "2026-12-04",
        },
        {"id": None, "intent": "self_harm", "confidence": 1.0, "amount": None, "date": None},
    ]
    assert all(isinstance(row["confidence"], float) for row in rows)


def test_a_bad_line_gets_an_error_object_and_the_rest_goes_on() -> None:
    code, rows, _ = predict(
        [
            "this is not json",
            json.dumps({"id": "no-text"}),
            json.dumps({"id": "bad-lang", "text": "hi", "lang": "fr"}),
            json.dumps(["not", "an", "object"]),
            json.dumps({"id": "ok", "text": "我已经还了"}),
        ]
    )
    assert code != 0
    assert [row["id"] for row in rows] == [None, "no-text", "bad-lang", None, "ok"]
    assert all("error" in row for row in rows[:4])
    assert "line 1" in str(rows[0]["error"]) and "line 2" in str(rows[1]["error"])
    assert rows[4]["intent"] == "already_paid"


def test_a_balance_resolves_half_of_it() -> None:
    _, rows, _ = predict(
        [json.dumps({"id": 1, "text": "I'll pay half of it tomorrow", "balance_minor": 250_050})]
    )
    assert (rows[0]["amount"], rows[0]["date"]) == (1250.25, "2026-11-26")


def test_it_reads_a_file_and_rejects_a_bad_date(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "f", "text": "月底还两千"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    result = runner.invoke(
        app,
        ["nlu", "predict", str(source), "--today", "2026-12-20", "--cache-dir", str(NLU_CACHE_DIR)],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["date"] == "2026-12-31"
    bad = runner.invoke(
        app,
        ["nlu", "predict", str(source), "--today", "20-12-2026", "--cache-dir", str(NLU_CACHE_DIR)],
    )
    assert bad.exit_code != 0


def test_eval_prints_per_intent_scores_macro_f1_per_language_and_a_confusion_matrix(
    tmp_path: Path,
) -> None:
    labelled = tmp_path / "gold.jsonl"
    labelled.write_text(
        "\n".join(
            json.dumps(row, ensure_ascii=False)
            for row in [
                {
                    "text": "我明天还五百",
                    "lang": "zh",
                    "intent": "promise_to_pay",
                    "amount": 500,
                    "today": "2026-11-25",
                    "date": "2026-11-26",
                },
                {"text": "别再打了", "lang": "zh", "intent": "cease_contact"},
                {"text": "I already paid", "lang": "en", "intent": "already_paid"},
                {"text": "wrong number", "lang": "en", "intent": "wrong_party"},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["nlu", "eval", str(labelled), "--cache-dir", str(NLU_CACHE_DIR)])
    assert result.exit_code == 0, result.output
    for expected in (
        "precision",
        "recall",
        "macro-F1 zh",
        "macro-F1 en",
        "Confusion",
        "amount accuracy: 1.000",
        "date accuracy: 1.000",
    ):
        assert expected in result.stdout
    as_json = runner.invoke(
        app, ["nlu", "eval", str(labelled), "--json", "--cache-dir", str(NLU_CACHE_DIR)]
    )
    report = json.loads(as_json.stdout)
    assert report["macro_f1_by_lang"] == {"zh": 1.0, "en": 1.0}
    assert report["confusion"]["cease_contact"] == {"cease_contact": 1}


def test_eval_rejects_an_unknown_intent(tmp_path: Path) -> None:
    labelled = tmp_path / "gold.jsonl"
    labelled.write_text(json.dumps({"text": "x", "lang": "en", "intent": "nope"}) + "\n")
    result = runner.invoke(app, ["nlu", "eval", str(labelled), "--cache-dir", str(NLU_CACHE_DIR)])
    assert result.exit_code == 2
    assert "unknown intent" in result.output


def test_train_caches_the_model(tmp_path: Path) -> None:
    result = runner.invoke(app, ["nlu", "train", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert list(tmp_path.glob("intent-*.joblib"))
