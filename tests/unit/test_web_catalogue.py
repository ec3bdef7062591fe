"""The pages' words: every key a template uses exists in zh and en, the catalogue files are
well-formed, and every template compiles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from huankuan.domain.errors import ConfigError, InvalidInput
from huankuan.entrypoints.web.i18n import catalog, pick_lang, translate
from huankuan.entrypoints.web.templating import ENVIRONMENT, TEMPLATES, money

KEY_IN_TEMPLATE = re.compile(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""")


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_it_has_every_key_a_template_uses_in_both_languages() -> None:
    texts = catalog()
    missing = {
        (str(path.relative_to(TEMPLATES)), key)
        for path in _templates()
        for key in KEY_IN_TEMPLATE.findall(path.read_text(encoding="utf-8"))
        if key not in texts
    }
    assert not missing, f"keys used by templates but not in web/i18n/*.yaml: {sorted(missing)}"


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_it_compiles_every_template(path: Path) -> None:
    ENVIRONMENT.get_template(str(path.relative_to(TEMPLATES)))


def test_it_refuses_a_catalogue_entry_without_english(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text('greeting: {zh: "你好"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="zh and en"):
        catalog.__wrapped__(tmp_path)


def test_it_refuses_a_key_defined_in_two_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text('k: {zh: "甲", en: "a"}\n', encoding="utf-8")
    (tmp_path / "b.yaml").write_text('k: {zh: "乙", en: "b"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"already defined in a\.yaml"):
        catalog.__wrapped__(tmp_path)


def test_it_fills_values_into_the_text_of_the_chosen_language() -> None:
    assert translate("signed_in_as", "en", username="amy", role="agent") == (
        "Signed in as amy (agent)"
    )
    assert "amy" in translate("signed_in_as", "zh", username="amy", role="催收员")


def test_it_names_an_unknown_key() -> None:
    with pytest.raises(InvalidInput, match="no_such_key"):
        translate("no_such_key", "zh")


def test_it_prefers_the_cookie_then_the_browser_then_chinese() -> None:
    assert pick_lang("en", "zh-CN") == "en"
    assert pick_lang(None, "fr-FR,en;q=0.8") == "en"
    assert pick_lang("xx", None) == "zh"


def test_it_formats_money_exactly_from_minor_units() -> None:
    assert money(123456789, "CNY") == "¥1,234,567.89"
    assert money(-5, "USD") == "-$0.05"
    assert money(None, "USD") == "—"
