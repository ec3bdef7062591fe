"""Outbound templates: every template the strategy uses exists in Chinese and English for its
channel, renders, and passes the content guard (a third party's never tells of the debt); the
portal link's template is rendered only with a link, and by SMS only."""

from __future__ import annotations

from pathlib import Path

import pytest

from huankuan.adapters.channels.templates import (
    LANGUAGES,
    TEMPLATE_DIR,
    carries_link,
    load_templates,
    packaged_templates,
    render,
)
from huankuan.compliance.content import default_guard
from huankuan.domain.errors import ConfigError, InvalidInput, NotFound
from huankuan.domain.model import Channel, ContactRole
from huankuan.domain.money import Money
from huankuan.strategy.loader import load_strategy

LINK_URL = "https://huankuan.example/p/…"  # as the portal invitation is screened
STRATEGY = load_strategy()
USED = sorted(
    {
        (treatment.channel, treatment.template, treatment.contact_role)
        for by_segment in STRATEGY.treatments.values()
        for treatments in by_segment.values()
        for treatment in treatments
    }
)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("channel", "template", "role"), USED, ids=lambda v: str(v))
def test_it_has_every_strategy_template_in_both_languages(
    lang: str, channel: Channel, template: str, role: ContactRole
) -> None:
    currency = "CNY" if lang == "zh" else "USD"
    rendered = render(
        template, lang, channel, name="李四", amount=Money(526_000, currency), reference="A7"
    )
    assert "{" not in rendered.text and "李四" in rendered.text
    if channel is Channel.EMAIL:
        assert rendered.subject
    if role is not ContactRole.SELF:
        assert "A7" not in rendered.text and "5,260" not in rendered.text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_passes_the_content_guard(lang: str) -> None:
    guard = default_guard()
    currency = "CNY" if lang == "zh" else "USD"
    for name, template in packaged_templates()[lang].templates.items():
        role = "emergency_contact" if name == "location_inquiry" else "self"
        for channel in template.channels:
            rendered = render(
                name,
                lang,
                channel,
                name="Li Si",
                amount=Money(526_000, currency),
                reference="A7",
                url=LINK_URL,
            )
            for text in filter(None, (rendered.subject, rendered.text)):
                context = {"recipient_role": role, "amount_due_minor": 526_000}
                screening = guard.screen(text, lang, context)
                assert screening.verdict == "ok", (name, screening.categories, text)


def test_it_names_an_unknown_placeholder_with_its_line(tmp_path: Path) -> None:
    text = (TEMPLATE_DIR / "en.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "en.yaml"
    broken.write_text(text.replace("on account {reference}", "on {ssn}", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_templates(broken)
    assert caught.value.field == "templates.reminder_gentle.text"
    assert (
        caught.value.line
        == next(
            number for number, line in enumerate(text.splitlines(), 1) if "reminder_gentle:" in line
        )
        + 2
    )


def test_it_refuses_a_template_for_the_wrong_channel() -> None:
    with pytest.raises(NotFound):
        render(
            "reminder_gentle", "en", Channel.EMAIL, name="x", amount=Money(1, "USD"), reference="A"
        )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_renders_the_portal_invitation_only_with_its_link(lang: str) -> None:
    amount = Money(526_000, "CNY")
    rendered = render(
        "portal_invite", lang, Channel.SMS, name="王芳", amount=amount, reference="A7", url=LINK_URL
    )
    assert LINK_URL in rendered.text and "王芳" in rendered.text and "A7" in rendered.text
    assert f"{LINK_URL} " in rendered.text  # the link stands apart from the words after it
    with pytest.raises(InvalidInput, match="carries a portal link"):
        render("portal_invite", lang, Channel.SMS, name="王芳", amount=amount, reference="A7")
    assert carries_link("portal_invite") and not carries_link("reminder_due")


def test_it_refuses_a_link_template_for_another_channel_than_sms(tmp_path: Path) -> None:
    text = (TEMPLATE_DIR / "en.yaml").read_text(encoding="utf-8")
    start = text.index("  portal_invite:\n    channels: [sms]")
    broken = tmp_path / "en.yaml"
    broken.write_text(
        text[:start] + text[start:].replace("channels: [sms]", "channels: [email]", 1),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_templates(broken)
    assert caught.value.field == "templates.portal_invite.channels"
