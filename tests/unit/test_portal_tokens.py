"""The portal's signed values: link tokens and session cookies, timed by our clock, salted
apart, and refused when forged; and the second factor's comparison."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.portal_tokens import PortalTokens
from huankuan.domain.errors import AuthenticationFailed, InvalidInput, LinkUnusable, NotFound
from huankuan.domain.portal import (
    PortalLink,
    PortalScope,
    normalise_date,
    second_factor_matches,
)

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
DAY = 24 * 3600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


def test_it_round_trips_a_link_token(clock: FakeClock) -> None:
    tokens = PortalTokens("k" * 32, clock)
    token = tokens.link_token("PL-1")
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token)  # safe in a URL and an SMS as it is
    assert tokens.read_link_token(token, DAY) == "PL-1"


def test_it_refuses_a_token_signed_with_another_key(clock: FakeClock) -> None:
    token = PortalTokens("another key", clock).link_token("PL-1")
    with pytest.raises(LinkUnusable) as refused:
        PortalTokens("k" * 32, clock).read_link_token(token, DAY)
    assert refused.value.reason == "invalid"


def _other_payload(token: str) -> str:
    """The signature of one link under the payload of another ({"link": "PL-2"})."""
    return "eyJsaW5rIjoiUEwtMiJ9." + token.split(".", 1)[1]


MANGLED: dict[str, Callable[[str], str]] = {
    "signature": lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    "prefix": lambda token: "x" + token,
    "empty": lambda token: "",
    "payload": _other_payload,
}


@pytest.mark.parametrize("mangle", MANGLED.values(), ids=MANGLED.keys())
def test_it_refuses_tampered_and_malformed_tokens(
    clock: FakeClock, mangle: Callable[[str], str]
) -> None:
    tokens = PortalTokens("k" * 32, clock)
    with pytest.raises(LinkUnusable) as refused:
        tokens.read_link_token(mangle(tokens.link_token("PL-1")), DAY)
    assert refused.value.reason == "invalid"


def test_it_times_tokens_by_our_clock(clock: FakeClock) -> None:
    tokens = PortalTokens("k" * 32, clock)
    token = tokens.link_token("PL-1")
    clock.advance(timedelta(hours=71))
    assert tokens.read_link_token(token, 72 * 3600) == "PL-1"
    clock.advance(timedelta(hours=2))
    with pytest.raises(LinkUnusable) as refused:
        tokens.read_link_token(token, 72 * 3600)
    assert refused.value.reason == "expired"


def test_it_keeps_link_tokens_and_session_cookies_apart(clock: FakeClock) -> None:
    tokens = PortalTokens("k" * 32, clock)
    link_token = tokens.link_token("PL-1")
    session = tokens.session_value("PL-1", NOW + timedelta(minutes=30))
    with pytest.raises(AuthenticationFailed):
        tokens.read_session(link_token)
    with pytest.raises(LinkUnusable):
        tokens.read_link_token(session, DAY)


def test_it_reads_a_session_until_it_expires(clock: FakeClock) -> None:
    tokens = PortalTokens("k" * 32, clock)
    session = tokens.session_value("PL-1", NOW + timedelta(minutes=30))
    claim = tokens.read_session(session)
    assert claim.link_id == "PL-1" and claim.expires_at == NOW + timedelta(minutes=30)
    clock.advance(timedelta(minutes=30))
    with pytest.raises(AuthenticationFailed, match="ended"):
        tokens.read_session(session)


@pytest.mark.parametrize("value", [None, "", "garbage", "a.b.c"])
def test_it_refuses_missing_or_forged_sessions(clock: FakeClock, value: str | None) -> None:
    with pytest.raises(AuthenticationFailed):
        PortalTokens("k" * 32, clock).read_session(value)


def test_it_refuses_a_session_signed_with_another_key(clock: FakeClock) -> None:
    session = PortalTokens("other", clock).session_value("PL-1", NOW + timedelta(minutes=5))
    with pytest.raises(AuthenticationFailed):
        PortalTokens("k" * 32, clock).read_session(session)


@pytest.mark.parametrize(
    "answer", ["1990-03-07", "19900307", "1990/3/7", " 1990-03-07 ", "1990年3月7日"]
)
def test_it_accepts_the_date_of_birth_written_in_common_ways(answer: str) -> None:
    assert second_factor_matches(
        "date_of_birth", answer, date_of_birth=date(1990, 3, 7), national_id="X"
    )


@pytest.mark.parametrize("answer", ["1990-03-08", "1990-02-30", "", "03/07/1990", "abc"])
def test_it_refuses_a_wrong_date_of_birth(answer: str) -> None:
    assert not second_factor_matches(
        "date_of_birth", answer, date_of_birth=date(1990, 3, 7), national_id="X"
    )


def test_it_never_matches_a_date_of_birth_that_is_not_stored() -> None:
    assert not second_factor_matches(
        "date_of_birth", "1990-03-07", date_of_birth=None, national_id="X"
    )


def test_it_checks_the_last_four_characters_of_the_national_id() -> None:
    national_id = "11010519900307123x"
    check = lambda answer: second_factor_matches(  # noqa: E731
        "national_id_last4", answer, date_of_birth=None, national_id=national_id
    )
    assert check("123X") and check(" 123x ")
    assert not check("1234") and not check("23X") and not check("0123X") and not check("")
    assert not second_factor_matches("national_id_last4", "", date_of_birth=None, national_id="12")


def test_it_refuses_an_unknown_second_factor() -> None:
    with pytest.raises(InvalidInput):
        second_factor_matches("mothers_maiden_name", "x", date_of_birth=None, national_id="1")


def test_it_normalises_dates() -> None:
    assert normalise_date("2026-1-5") == "2026-01-05"
    assert normalise_date("2026-13-01") is None


def test_it_says_why_a_link_is_unusable() -> None:
    link = PortalLink("PL-1", "D1", "A1", "test", NOW, NOW + timedelta(hours=1))
    assert link.problem(NOW) is None
    assert link.problem(NOW + timedelta(hours=1)) == "expired"
    locked = PortalLink("PL-1", "D1", "A1", "test", NOW, NOW + timedelta(hours=1), 5, NOW)
    assert locked.problem(NOW) == "locked"
    assert link.actor == "borrower:PL-1"


def test_it_scopes_a_session_to_its_debtors_accounts() -> None:
    scope = PortalScope("PL-1", "D1", "A1", ("A1", "A7"), "zh_CN", "CN-NIFA", NOW)
    assert scope.require_account(None) == "A1"
    assert scope.require_account("A7") == "A7"
    with pytest.raises(NotFound):
        scope.require_account("A2")
    assert scope.lang == "zh"
