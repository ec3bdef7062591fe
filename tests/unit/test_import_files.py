"""Reading import files: formats, encodings, headers and physical line numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from huankuan.adapters.files import read_table
from huankuan.domain.errors import InvalidInput
from huankuan.service_layer.ingest_schema import CONTACTS

HEADER = "contact_id,debtor_id,kind,value,role"


def read(path: Path, encoding: str = "utf-8") -> pl.DataFrame:
    return read_table(
        path, columns=CONTACTS.names, required=CONTACTS.required_names, encoding=encoding
    ).frame


def write(tmp_path: Path, text: str, name: str = "contacts.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_it_numbers_rows_by_physical_line_counting_quoted_breaks_and_blank_lines(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        f'{HEADER}\nK1,D1,address,"1 Main St\nApt 2",self\n\n'
        f'K2,D1,address,"a\r\nb\nc",self\r\nK3,D1,phone,+8613812345678,self\n',
    )
    frame = read(path)
    assert frame.select("line", "contact_id").rows() == [(2, "K1"), (5, "K2"), (8, "K3")]


def test_it_adds_absent_optional_columns_as_empty(tmp_path: Path) -> None:
    frame = read(write(tmp_path, f"{HEADER}\nK1,D1,phone,+8613812345678,self\n"))
    assert frame.columns == ["line", *CONTACTS.names]
    assert frame["valid"].to_list() == [None]


def test_it_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    frame = read(write(tmp_path, f"\ufeff{HEADER}\nK1,D1,phone,+8613812345678,self\n"))
    assert frame["contact_id"].to_list() == ["K1"]


def test_it_names_missing_and_unknown_columns_and_the_expected_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "contact_id,debtor,kind,value,role\nK1,D1,phone,+8613812345678,self\n")
    with pytest.raises(InvalidInput) as caught:
        read(path)
    message = str(caught.value)
    assert "missing column(s): debtor_id" in message
    assert "unknown column(s): debtor" in message
    assert "Expected columns: contact_id, debtor_id, kind, value, role, timezone" in message


def test_it_refuses_a_repeated_column(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="more than once: kind"):
        read(write(tmp_path, f"{HEADER},kind\nK1,D1,phone,+8613812345678,self,phone\n"))


@pytest.mark.parametrize(
    ("text", "says"), [("", "the file is empty"), (f"{HEADER}\n", "header but no rows")]
)
def test_it_refuses_an_empty_file(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        read(write(tmp_path, text))


def test_it_refuses_a_missing_file_or_an_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        read(tmp_path / "absent.csv")
    with pytest.raises(InvalidInput, match=r"expected \.csv or \.parquet"):
        read(write(tmp_path, HEADER, name="contacts.xlsx"))


def test_it_recognises_gbk_and_reads_it_when_told(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nK1,D1,address,北京市朝阳区建国路1号,self\n", encoding="gbk")
    with pytest.raises(InvalidInput) as caught:
        read(path)
    assert str(caught.value) == (
        "contacts.csv: the file is not UTF-8 (it looks like GBK/GB18030); re-save it as UTF-8 "
        "or pass --encoding gbk"
    )
    assert read(path, encoding="gbk")["value"].to_list() == ["北京市朝阳区建国路1号"]


def test_it_names_the_first_bad_byte_of_other_non_utf8_files(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nK1,D1,address,Café,self\n", encoding="latin-1")
    with pytest.raises(InvalidInput, match=r"not UTF-8 \(invalid byte 0xe9 at offset 54\)"):
        read(path)
    with pytest.raises(InvalidInput, match="unknown encoding"):
        read(path, encoding="klingon")


def test_it_refuses_a_line_with_more_fields_than_the_header(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not a readable CSV"):
        read(write(tmp_path, f"{HEADER}\nK1,D1,phone,+8613812345678,self,extra,more\n"))


def test_it_reads_typed_parquet_as_text_with_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "contacts.parquet"
    pl.DataFrame(
        {
            "contact_id": ["K1", "K2"],
            "debtor_id": ["D1", "D1"],
            "kind": ["phone", "email"],
            "value": ["+8613812345678", "a@b.cn"],
            "role": ["self", "self"],
            "valid": [True, False],
            "consent": [None, True],
        }
    ).write_parquet(path)
    frame = read(path)
    assert frame.select("line", "valid", "consent").rows() == [
        (1, "true", None),
        (2, "false", "true"),
    ]


def test_it_writes_parquet_dates_and_zoned_times_as_iso_text(tmp_path: Path) -> None:
    from huankuan.adapters.files import _parquet_as_text

    frame = pl.DataFrame(
        {
            "day": [date(2026, 11, 28)],
            "at": [datetime(2026, 11, 27, 2, 15, tzinfo=UTC)],
            "amount": [12.5],
        }
    ).with_columns(pl.col("at").dt.convert_time_zone("Asia/Shanghai"))
    text = _parquet_as_text(frame, tmp_path / "x.parquet")
    assert text.row(0) == ("2026-11-28", "2026-11-27T10:15:00.000000+08:00", "12.5")
