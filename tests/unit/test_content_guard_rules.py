"""The mechanisms under the content guard: normalisation against evasion, the lexicon schema,
negation and the amount checks. No classifier here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huankuan.compliance.content import ContentGuard, ScreeningContext, build_guard
from huankuan.compliance.content.amounts import chinese_number, money_mentions, percent_mentions
from huankuan.compliance.content.lexicon import LEXICON_DIR, default_lexicons, load_lexicon
from huankuan.compliance.content.normalise import normalise
from huankuan.domain.errors import ConfigError

RULES_ONLY = build_guard(with_classifier=False)


def _rule_categories(text: str, **context: object) -> tuple[str, ...]:
    return RULES_ONLY.screen(text, None, context or None).categories


# ------------------------------------------------------------------------------ normalisation
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("公 安 局", "公安局"),
        ("公-安-局", "公安局"),
        ("公.安.局", "公安局"),
        ("公，安，局的人", "公安局的人"),
        ("還錢", "还钱"),
        ("ＦＵＣＫ", "fuck"),
        ("f u c k", "fuck"),
        ("sh1t", "shit"),
        ("d3adb3at", "deadbeat"),
        ("a$$hole", "asshole"),
        ("We know where you live!", "we know where you live!"),
        ("pay $500 by 5pm", "pay $500 by 5pm"),
        ("yоu", "you"),  # Cyrillic о
        ("打\u200b断你的腿", "打断你的腿"),
    ],
)
def test_it_undoes_common_evasions(text: str, expected: str) -> None:
    assert normalise(text).text == expected


@pytest.mark.parametrize(
    ("lang", "text", "category"),
    [
        ("zh", "我是公 安 局的", "impersonation_authority"),
        ("zh", "我是公-安-局的", "impersonation_authority"),
        ("zh", "法院傳票已經寄出", "impersonation_authority"),
        ("zh", "你这个老 赖", "profanity_insult"),
        ("zh", "不還錢就打斷你的腿", "threat_violence"),
        ("en", "you d3adb3at", "profanity_insult"),
        ("en", "F*CK you", "profanity_insult"),
        ("en", "what a piece of sh1t", "profanity_insult"),
        ("en", "You will be A R R E S T E D", "false_legal_consequence"),
        ("en", "ＷＥ ＫＮＯＷ ＷＨＥＲＥ ＹＯＵ ＬＩＶＥ", "threat_violence"),
    ],
)
def test_it_catches_evasive_spellings(lang: str, text: str, category: str) -> None:
    assert category in RULES_ONLY.screen(text, lang).categories


_SEPARATORS = st.sampled_from([" ", "-", "*", ".", "·", "_", "~", "  ", " - "])


@given(separators=st.lists(_SEPARATORS, min_size=2, max_size=2))
def test_it_sees_through_any_separator_between_characters(separators: list[str]) -> None:
    text = "我是" + "公" + separators[0] + "安" + separators[1] + "局的"
    assert "impersonation_authority" in _rule_categories(text)


@given(st.text(max_size=60))
def test_it_maps_every_normalised_character_back_to_the_original(text: str) -> None:
    normalised = normalise(text)
    assert len(normalised.origin) == len(normalised.text)
    assert list(normalised.origin) == sorted(normalised.origin)
    assert all(0 <= index < len(text) for index in normalised.origin)
    if normalised.text:
        assert normalised.original_span(0, len(normalised.text)) in text


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_it_screens_any_text_without_crashing(text: str) -> None:
    screening = RULES_ONLY.screen(text, "zh")
    assert screening.verdict in ("ok", "violation")
    assert (screening.verdict == "violation") == bool(screening.hits)


# ------------------------------------------------------------------------------ negation
@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("我们不会上门", False),
        ("不还钱就上门", True),
        ("要是不还，我们就上门找你", True),
        ("您不会因为民事欠款承担刑事责任", False),
        ("You will not be arrested.", False),
        ("If you don't pay we will have you arrested.", True),
        ("Don't make me come to your house.", True),
        ("Don't be surprised when we show up at your office.", True),
        ("You will not be arrested or jailed for this debt.", False),
    ],
)
def test_it_respects_negation_but_not_conditions(text: str, flagged: bool) -> None:
    assert bool(_rule_categories(text)) is flagged


# ------------------------------------------------------------------------------ amounts
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("两千五百", 2500),
        ("十二", 12),
        ("三万", 30000),
        ("一万二千", 12000),
        ("五十", 50),
    ],
)
def test_it_reads_chinese_numerals(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_it_finds_money_in_both_languages() -> None:
    text = normalise("手续费2,000元、¥1.5万、两千元、$350.50、500 dollars、$5k").text
    assert [minor for _, _, minor in money_mentions(text)] == [
        200000,
        1500000,
        200000,
        35050,
        50000,
        500000,
    ]


def test_it_finds_percentages_in_both_languages() -> None:
    text = normalise("fee of 50%, 百分之三十, 日息1%").text
    assert [float(value) for _, _, value in percent_mentions(text)] == [50.0, 30.0, 1.0]


@pytest.mark.parametrize(
    ("text", "context", "flagged"),
    [
        ("逾期管理费5000元", {"contract_max_fee_minor": 200000}, True),
        ("逾期管理费500元", {"contract_max_fee_minor": 200000}, False),
        ("逾期管理费5000元", {}, False),
        ("每天费用增加1%", {}, True),  # 365% a year
        ("每月利息1.5%", {}, False),  # 18% a year
        ("每月利息1.5%", {"fee_cap_percent": 12}, True),
        ("一次性结清可减免50%的利息", {}, False),
        ("We can take 40% off the balance.", {}, False),
        ("A handling fee of $80 applies.", {"contract_max_fee_minor": 5000}, True),
        ("Please pay $900 today.", {"amount_due_minor": 50000}, True),
        ("Please pay $400 today.", {"amount_due_minor": 50000}, False),
    ],
)
def test_it_compares_amounts_with_the_contract_and_the_cap(
    text: str, context: dict[str, object], flagged: bool
) -> None:
    assert ("deceptive_amount" in _rule_categories(text, **context)) is flagged


# ------------------------------------------------------------------------------ lexicons
def test_it_ships_valid_versioned_lexicons_with_stable_rule_ids() -> None:
    lexicons = default_lexicons()
    assert {lexicon.lang for lexicon in lexicons} == {"zh", "en"}
    ids = [rule_id for lexicon in lexicons for rule_id in lexicon.rule_ids]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"content\.(zh|en)\.[a-z_]+\.[a-z0-9_]+", rule_id) for rule_id in ids)
    assert all(lexicon.version for lexicon in lexicons)
    assert "content.zh.impersonation.police" in ids
    assert all(rule.explanation for lexicon in lexicons for rule in lexicon.rules)


def _broken_lexicon(tmp_path: Path, old: str, new: str) -> Path:
    text = (LEXICON_DIR / "en.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "en.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("category: threat_violence", "category: rudeness", "expected one of"),
        ("id: content.en.threat.bodily_harm", "id: threat.bodily_harm", "expected content.en"),
        ("id: content.en.threat.veiled", "id: content.en.threat.bodily_harm", "duplicate rule id"),
        ("      - '\\bpolice\\b'", "      - '\\bpolice(\\b'", "invalid regular expression"),
        ("      - '\\bpolice\\b'", "      - '<<nowhere>>'", "unknown list <<nowhere>>"),
        ("    negatable: false\n", "    negatable: sometimes\n", "expected true or false"),
        ("applies_when: {time_barred: [true]}", "applies_when: {weather: [true]}", "unknown key"),
        ("explanation: Threatens physical", "explanations: Threatens physical", "unknown key"),
    ],
)
def test_it_rejects_a_broken_lexicon_naming_the_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = _broken_lexicon(tmp_path, old, new)
    line = (LEXICON_DIR / "en.yaml").read_text(encoding="utf-8").split(old)[0].count("\n") + 1
    with pytest.raises(ConfigError) as raised:
        load_lexicon(path)
    assert message in str(raised.value)
    assert raised.value.line is not None and abs(raised.value.line - line) <= 3


def test_it_applies_a_rule_only_in_its_context() -> None:
    guard: ContentGuard = RULES_ONLY
    text = "我们可能依法提起诉讼"
    assert guard.screen(text, "zh", ScreeningContext(time_barred=True)).verdict == "violation"
    assert guard.screen(text, "zh", ScreeningContext(time_barred=False)).verdict == "ok"
    assert guard.screen(text, "zh").verdict == "ok"


# ------------------------------------------------------------------------------ identifiers
@pytest.mark.parametrize(
    "text",
    ["订单号 SB20261128 请核对", "参考编号 TMD0042", "Reference CNM7781, account A00250B"],
)
def test_it_does_not_read_an_identifier_as_slang(text: str) -> None:
    assert _rule_categories(text) == ()


@pytest.mark.parametrize("text", ["你个sb", "SB，赶紧还钱", "tmd还不还"])
def test_it_still_reads_the_slang_insults(text: str) -> None:
    assert "profanity_insult" in _rule_categories(text)
