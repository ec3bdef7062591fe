"""`huankuan compliance screen` and `screen-eval`: the JSON Lines contract of DESIGN.md §4.2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huankuan.entrypoints.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


def _screen(lines: list[str], cache: Path, *options: str) -> tuple[int, list[dict[str, object]]]:
    result = runner.invoke(
        app,
        ["compliance", "screen", "-", "--model-cache", str(cache), *options],
        input="".join(line + "\n" for line in lines),
    )
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()]


def _line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_it_answers_each_line_with_id_verdict_and_categories(model_cache: Path) -> None:
    code, out = _screen(
        [
            _line(id="a1", lang="zh", text="再不还钱就打断你的腿"),
            _line(id=2, lang="en", text="Please pay by Friday."),
            _line(id="a3", lang="en", text="This is the sheriff. You will be arrested today."),
        ],
        model_cache,
    )
    assert code == 0
    assert out[0] == {"id": "a1", "verdict": "violation", "categories": ["threat_violence"]}
    assert out[1] == {"id": 2, "verdict": "ok", "categories": []}
    assert out[2]["id"] == "a3" and out[2]["verdict"] == "violation"
    assert {"impersonation_authority", "false_legal_consequence"} <= set(out[2]["categories"])


def test_it_uses_the_optional_context(model_cache: Path) -> None:
    text = "逾期会影响您的信用记录。"
    code, out = _screen(
        [
            _line(id=1, lang="zh", text=text, context={"reports_to_bureau": True}),
            _line(id=2, lang="zh", text=text, context={"reports_to_bureau": False}),
            _line(
                id=3,
                lang="zh",
                text="张三的借款逾期了",
                context={"recipient_role": "emergency_contact"},
            ),
        ],
        model_cache,
    )
    assert code == 0
    assert [line["verdict"] for line in out] == ["ok", "violation", "violation"]
    assert out[2]["categories"] == ["third_party_disclosure"]


def test_it_answers_malformed_lines_with_an_error_and_goes_on(model_cache: Path) -> None:
    code, out = _screen(
        [
            "this is not json",
            _line(id="no-text", lang="en"),
            _line(id="bad-lang", lang="fr", text="Bonjour"),
            _line(id="bad-context", lang="en", text="Hi", context={"mood": "angry"}),
            "[1, 2]",
            _line(lang="en", text="no id"),
            _line(id="fine", lang="en", text="Your account is 30 days overdue."),
        ],
        model_cache,
    )
    assert code != 0
    assert [line.get("id") for line in out] == [
        None,
        "no-text",
        "bad-lang",
        "bad-context",
        None,
        None,
        "fine",
    ]
    assert all("error" in line for line in out[:6])
    assert out[6] == {"id": "fine", "verdict": "ok", "categories": []}


def test_it_explains_hits_on_request(model_cache: Path) -> None:
    code, out = _screen([_line(id=1, lang="zh", text="我是公安局的")], model_cache, "--explain")
    assert code == 0
    assert out[0]["hits"][0]["rule"] == "content.zh.impersonation.police"  # type: ignore[index]


def test_it_reads_a_file_and_skips_blank_lines(tmp_path: Path, model_cache: Path) -> None:
    source = tmp_path / "texts.jsonl"
    source.write_text(_line(id=1, lang="en", text="You deadbeat.") + "\n\n", encoding="utf-8")
    result = runner.invoke(
        app, ["compliance", "screen", str(source), "--model-cache", str(model_cache)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "id": 1,
        "verdict": "violation",
        "categories": ["profanity_insult"],
    }


def test_it_refuses_a_missing_file(model_cache: Path) -> None:
    result = runner.invoke(
        app, ["compliance", "screen", "/no/such/file.jsonl", "--model-cache", str(model_cache)]
    )
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def test_it_reports_recall_and_false_positives_on_a_labelled_file(
    tmp_path: Path, model_cache: Path
) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        "".join(
            line + "\n"
            for line in [
                _line(
                    id=1, lang="en", text="We know where you live.", categories=["threat_violence"]
                ),
                _line(id=2, lang="en", text="Please pay by Friday.", categories=[]),
                _line(id=3, lang="zh", text="你这个老赖", categories=["profanity_insult"]),
            ]
        ),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["compliance", "screen-eval", str(labelled), "--model-cache", str(model_cache)]
    )
    assert result.exit_code == 0, result.output
    assert "threat_violence" in result.stdout
    assert "1.000 (1/1)" in result.stdout
    assert "0.000 (0/1)" in result.stdout
