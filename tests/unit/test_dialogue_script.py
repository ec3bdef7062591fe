"""The collection script and the response files as data: they load, they are checked with
line-precise errors, the two languages say the same things, and every sentence passes the real
content guard in the context it is said in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from huankuan.dialogue.nlu.intents import INTENTS
from huankuan.dialogue.policy.actions import ACTIONS
from huankuan.dialogue.policy.script import SCRIPT_FILE, load_script
from huankuan.dialogue.responses import (
    PLACEHOLDERS,
    Responses,
    format_date,
    format_money,
    packaged_responses,
    parity_problems,
)
from huankuan.dialogue.responses.catalog import RESPONSES_DIR
from huankuan.domain.errors import ConfigError
from huankuan.domain.money import Money
from tests.unit.dialogue_support import real_guard

SCRIPT_TEXT = SCRIPT_FILE.read_text(encoding="utf-8")


def _script_with(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SCRIPT_TEXT, old
    path = tmp_path / "script.yaml"
    path.write_text(SCRIPT_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(text: str, fragment: str) -> int:
    return text.splitlines().index(next(line for line in text.splitlines() if fragment in line)) + 1


def test_it_loads_the_packaged_script_with_a_tactic_for_every_signal() -> None:
    script = load_script(actions=ACTIONS)
    assert set(INTENTS) <= set(script.tactics)
    assert script.action_for("confirm_plan", "self_harm") == "welfare"
    assert script.action_for("verify_identity", "dispute") == "verify_again"
    assert script.action_for("offer_plan", "dispute") == "dispute"


def test_it_points_at_the_line_of_an_unknown_action(tmp_path: Path) -> None:
    path = _script_with(tmp_path, "  refuse: refuse\n", "  refuse: threaten\n")
    with pytest.raises(ConfigError) as raised:
        load_script(path, actions=ACTIONS)
    assert raised.value.line == _line_of(path.read_text(encoding="utf-8"), "refuse: threaten")
    assert "unknown action 'threaten'" in str(raised.value)


def test_it_refuses_a_state_that_overrides_the_safety_protocol(tmp_path: Path) -> None:
    path = _script_with(
        tmp_path, "      deny: adjust_agreement\n", "      self_harm: adjust_agreement\n"
    )
    with pytest.raises(ConfigError, match="safety protocol"):
        load_script(path, actions=ACTIONS)


def test_it_refuses_self_harm_mapped_to_anything_but_welfare(tmp_path: Path) -> None:
    path = _script_with(tmp_path, "  self_harm: welfare\n", "  self_harm: reprompt\n")
    with pytest.raises(ConfigError, match="self_harm must map to 'welfare'"):
        load_script(path, actions=ACTIONS)


def test_it_names_a_misspelt_field_and_its_line(tmp_path: Path) -> None:
    path = _script_with(tmp_path, "  max_refusals: 2", "  max_refusal: 2")
    with pytest.raises(ConfigError) as raised:
        load_script(path, actions=ACTIONS)
    assert raised.value.line == _line_of(path.read_text(encoding="utf-8"), "max_refusal:")
    assert "did you mean 'max_refusals'" in str(raised.value)


def test_it_refuses_an_unquoted_yes_that_yaml_reads_as_a_boolean(tmp_path: Path) -> None:
    path = _script_with(tmp_path, 'en: ["yes", yeah,', "en: [yes, yeah,")
    with pytest.raises(ConfigError, match=r"answers\.affirm\.en"):
        load_script(path, actions=ACTIONS)


def test_it_requires_the_states_the_mechanisms_move_to(tmp_path: Path) -> None:
    path = _script_with(tmp_path, "  payment_details:\n", "  payment_detail:\n")
    with pytest.raises(ConfigError, match="'payment_details' is required"):
        load_script(path, actions=ACTIONS)


def test_it_has_every_sentence_in_both_languages_with_the_same_placeholders() -> None:
    assert parity_problems(packaged_responses("zh"), packaged_responses("en")) == []


def test_it_finds_a_sentence_missing_in_one_language(tmp_path: Path) -> None:
    text = (RESPONSES_DIR / "en.yaml").read_text(encoding="utf-8")
    path = tmp_path / "en.yaml"
    path.write_text(text.replace("    too_low:", "    too_low_x:"), encoding="utf-8")
    problems = parity_problems(packaged_responses("zh"), Responses.load("en", path))
    assert "negotiate.too_low is missing in en" in problems


def test_it_refuses_an_unknown_placeholder_on_its_line(tmp_path: Path) -> None:
    text = (RESPONSES_DIR / "zh.yaml").read_text(encoding="utf-8")
    path = tmp_path / "zh.yaml"
    path.write_text(text.replace("{min_amount}", "{minimum}", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        Responses.load("zh", path)
    assert raised.value.line == _line_of(path.read_text(encoding="utf-8"), "{minimum}")
    assert "unknown placeholder(s) ['minimum']" in str(raised.value)


def test_it_has_every_response_key_the_script_names() -> None:
    script = load_script(actions=ACTIONS)
    for lang in ("zh", "en"):
        missing = script.response_keys() - packaged_responses(lang).keys()
        assert not missing, (lang, missing)


def test_it_puts_the_configured_hotlines_in_the_welfare_script() -> None:
    zh, en = packaged_responses("zh"), packaged_responses("en")
    assert any("400-161-9995" in line for line in zh.hotlines_for("CN-NIFA"))
    assert any("010-82951332" in line for line in zh.hotlines_for("CN-NIFA"))
    assert any("988" in line for line in en.hotlines_for("US-RegF"))
    assert "{hotlines}" in zh.templates["welfare.hotlines"]


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (125_000, "CNY", "¥1,250.00"),
        (125_000, "USD", "$1,250.00"),
        (5, "USD", "$0.05"),
        (123_456_789, "CNY", "¥1,234,567.89"),
        (1_250, "JPY", "JP¥1,250"),
    ],
)
def test_it_renders_amounts_exactly_from_minor_units(minor: int, currency: str, text: str) -> None:
    assert format_money(Money(minor, currency)) == text


def test_it_renders_dates_with_their_weekday() -> None:
    assert format_date(date(2026, 11, 27), "zh") == "2026年11月27日（周五）"
    assert format_date(date(2026, 11, 27), "en") == "Friday, November 27, 2026"


SAMPLE_VALUES = {
    "zh": {
        "debtor_name": "张伟",
        "lender": "安信消费金融",
        "collector": "安信消费金融",
        "amount_due": "¥1,250.00",
        "min_amount": "¥250.00",
        "proposal_amount": "¥500.00",
        "instalment": "¥375.00",
        "discount": "¥125.00",
        "complaint_channel": "400-800-1234",
        "callback_when": "2026年11月26日（周四）15:00",
    },
    "en": {
        "debtor_name": "John Smith",
        "lender": "Acme Lending",
        "collector": "Acme Lending",
        "amount_due": "$1,250.00",
        "min_amount": "$250.00",
        "proposal_amount": "$500.00",
        "instalment": "$375.00",
        "discount": "$125.00",
        "complaint_channel": "1-800-555-0100",
        "callback_when": "Thursday, November 26, 2026 at 15:00",
    },
}
BEFORE_IDENTITY = (
    "greeting",
    "verify",
    "purpose",
    "wrong_party",
    "welfare",
    "complaint",
    "cease",
    "callback",
    "abusive",
    "unclear",
    "close",
    "fallback",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_it_says_only_sentences_the_real_guard_passes(lang: str) -> None:
    """Every sentence, rendered, passes the guard as the debtor hears it; those the robot may say
    before the identity is confirmed also pass as a third party would hear them."""
    responses = packaged_responses(lang)
    values = {name: "3" for name in PLACEHOLDERS} | {
        "robot_id": "AI-001",
        "hotlines": "；".join(responses.hotlines_for("CN-NIFA" if lang == "zh" else "US-RegF")),
        **{
            name: format_date(date(2026, 11, 27), lang)
            for name in ("due_date", "latest_date", "proposal_date", "first_date", "last_date")
        },
        **SAMPLE_VALUES[lang],
    }
    flagged = []
    for key in sorted(responses.keys()):
        text = responses.render(key, values)
        roles = ["self", "third_party"] if key.split(".")[0] in BEFORE_IDENTITY else ["self"]
        for role in roles:
            facts = {"recipient_role": role, "reports_to_bureau": True, "amount_due_minor": 125_000}
            screening = real_guard().screen(text, lang, facts)
            if screening.verdict != "ok":
                flagged.append((key, role, screening.categories, text))
    assert flagged == []
