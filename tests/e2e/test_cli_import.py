"""`huankuan sample` and `huankuan import` from the command line: messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huankuan.entrypoints.cli.main import app

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", url)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return url


def sample(out: Path, *extra: str) -> Path:
    result = runner.invoke(
        app,
        [
            "sample",
            "--accounts",
            "150",
            "--seed",
            "3",
            "--as-of",
            "2026-11-28",
            "--out",
            str(out),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_it_writes_a_sample_in_the_chosen_format(tmp_path: Path) -> None:
    out = sample(tmp_path / "s", "--format", "parquet", "--locale", "en_US")
    assert sorted(p.name for p in out.iterdir()) == [
        "accounts.parquet",
        "contacts.parquet",
        "payments.parquet",
    ]


def test_it_writes_the_dirty_manifest_when_asked(tmp_path: Path) -> None:
    out = sample(tmp_path / "s", "--dirty")
    manifest = json.loads((out / "dirty-manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["accounts"]["rejects"] == 3


def test_it_refuses_a_malformed_as_of_date(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sample", "--out", str(tmp_path), "--as-of", "28/11/2026"])
    assert result.exit_code == 2
    assert "--as-of must be a date as YYYY-MM-DD" in result.output


def test_it_imports_good_files_and_exits_zero(database: str, tmp_path: Path) -> None:
    out = sample(tmp_path / "s")
    for kind in ("accounts", "contacts", "payments"):
        result = runner.invoke(app, ["import", kind, str(out / f"{kind}.csv")])
        assert result.exit_code == 0, result.output
        assert "0 rejected" in result.output
    result = runner.invoke(app, ["import", "accounts", str(out / "accounts.csv")])
    assert "0 inserted, 0 updated" in result.output


def test_it_stores_good_rows_and_names_the_rejects_file(database: str, tmp_path: Path) -> None:
    out = sample(tmp_path / "s", "--dirty")
    result = runner.invoke(app, ["import", "accounts", str(out / "accounts.csv")])
    assert result.exit_code == 0, result.output
    assert "147 inserted" in result.output
    assert f"3 rows rejected (3 problems): see {out / 'accounts.csv.rejects.csv'}" in result.output


def test_it_exits_two_and_stores_nothing_in_strict_mode(database: str, tmp_path: Path) -> None:
    out = sample(tmp_path / "s", "--dirty")
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(
        app,
        ["import", "accounts", str(out / "accounts.csv"), "--strict", "--rejects", str(rejects)],
    )
    assert result.exit_code == 2
    assert "3 of 150 rows rejected and --strict is set: nothing was stored" in result.output
    assert rejects.exists()
    again = runner.invoke(app, ["import", "accounts", str(out / "accounts.csv")])
    assert "147 inserted" in again.output  # the strict run stored nothing


def test_it_exits_three_without_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUANKUAN_DATABASE_URL", f"sqlite:///{tmp_path / 'absent.db'}")
    out = sample(tmp_path / "s")
    result = runner.invoke(app, ["import", "accounts", str(out / "accounts.csv")])
    assert result.exit_code == 3
    assert "huankuan init" in result.output


def test_it_exits_two_for_a_missing_file(database: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "accounts", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_it_exits_two_naming_wrong_columns(database: str, tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "payment_id,account,amount_minor,currency,received_at,method,note\n"
        "P1,A1,100,CNY,2026-11-27T10:00:00+08:00,alipay,x\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", "payments", str(path)])
    assert result.exit_code == 2
    assert "missing column(s): account_id; unknown column(s): account, note" in result.output
    assert "Expected columns: payment_id, account_id, amount_minor" in result.output


def test_it_exits_two_for_gbk_and_imports_with_encoding_gbk(database: str, tmp_path: Path) -> None:
    out = sample(tmp_path / "s", "--locale", "zh_CN")
    path = tmp_path / "accounts-gbk.csv"
    path.write_bytes((out / "accounts.csv").read_text(encoding="utf-8").encode("gbk"))
    result = runner.invoke(app, ["import", "accounts", str(path)])
    assert result.exit_code == 2
    assert (
        "the file is not UTF-8 (it looks like GBK/GB18030); re-save it as UTF-8 or pass "
        "--encoding gbk"
    ) in result.output
    result = runner.invoke(app, ["import", "accounts", str(path), "--encoding", "gbk"])
    assert result.exit_code == 0, result.output
    assert "150 inserted" in result.output


def test_it_refuses_an_unknown_kind_of_file(database: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "loans", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
