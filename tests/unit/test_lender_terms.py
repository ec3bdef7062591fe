"""The lender's terms the robot works under: loaded and checked with line-precise errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from huankuan.dialogue.terms import TERMS_FILE, load_terms
from huankuan.domain.errors import ConfigError


def test_it_loads_the_packaged_terms_for_every_profile() -> None:
    terms = load_terms()
    assert set(terms) == {"CN-NIFA", "US-RegF"}
    assert terms["US-RegF"].lender_name["en"] == "Acme Lending"
    assert terms["CN-NIFA"].policy.settlement_discount_percent <= Decimal(10)


def test_it_points_at_contradictory_limits(tmp_path: Path) -> None:
    text = TERMS_FILE.read_text(encoding="utf-8").replace(
        "settlement_discount_percent: 5", "settlement_discount_percent: 50", 1
    )
    broken = tmp_path / "terms.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_terms(broken)
    assert error.value.field == "profiles.CN-NIFA.negotiation"
    assert "settlement_discount_percent" in error.value.reason
    assert error.value.line is not None and error.value.line > 1


def test_it_requires_the_lender_name_in_both_languages(tmp_path: Path) -> None:
    text = TERMS_FILE.read_text(encoding="utf-8").replace(
        "{zh: 阿克米贷款, en: Acme Lending}", "{en: Acme Lending}"
    )
    broken = tmp_path / "terms.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="zh, en"):
        load_terms(broken)
