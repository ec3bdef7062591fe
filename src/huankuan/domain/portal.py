"""The borrower portal's records: a link (sent by SMS) that a borrower opens and verifies with a
second factor, and the scope a verified session may reach: one debtor's accounts, nothing else.

The second factor is checked here, in plain Python, in constant time: a timing difference must
not tell an attacker how much of a date of birth or an ID suffix was right."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from huankuan.domain.errors import AuthenticationFailed, InvalidInput, NotFound

SecondFactor = Literal["date_of_birth", "national_id_last4"]
SECOND_FACTORS: tuple[SecondFactor, ...] = ("date_of_birth", "national_id_last4")
LinkProblem = Literal["invalid", "expired", "revoked", "locked"]
_DATE = re.compile(r"^\s*(\d{4})[-/.年]?\s*(\d{1,2})[-/.月]?\s*(\d{1,2})日?\s*$")


@dataclass(frozen=True, slots=True)
class PortalLink:
    """One link to the portal for one debtor, naming the account it was sent about."""

    link_id: str
    debtor_id: str
    account_id: str
    created_by: str
    created_at: datetime  # aware UTC
    expires_at: datetime  # aware UTC
    failed_attempts: int = 0
    locked_at: datetime | None = None
    verified_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def actor(self) -> str:
        """How the audit log names the borrower acting through this link."""
        return borrower_actor(self.link_id)

    def problem(self, now: datetime) -> LinkProblem | None:
        """Why the link cannot be used now (revoked and locked outrank expired), or None."""
        if self.revoked_at is not None:
            return "revoked"
        if self.locked_at is not None:
            return "locked"
        if now >= self.expires_at:
            return "expired"
        return None


class WrongSecondFactor(AuthenticationFailed):
    """The second factor did not match; `tries_left` more wrong answers lock the link."""

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        super().__init__(f"that does not match our records; {tries_left} tries left")


def borrower_actor(link_id: str) -> str:
    return f"borrower:{link_id}"


@dataclass(frozen=True, slots=True)
class PortalScope:
    """What one verified portal session may reach: the link's debtor and that debtor's accounts.
    Every portal read and action goes through `require_account`, so a session never names an
    account, conversation or payment of anybody else."""

    link_id: str
    debtor_id: str
    link_account_id: str  # the account the link was sent about (the pages' default)
    account_ids: tuple[str, ...]
    locale: str  # the debtor's, e.g. "zh_CN"
    jurisdiction: str
    expires_at: datetime  # when this session ends (aware UTC)

    @property
    def actor(self) -> str:
        return borrower_actor(self.link_id)

    @property
    def lang(self) -> str:
        """The borrower's language by default: zh for a Chinese locale, else en."""
        return "zh" if self.locale.lower().startswith("zh") else "en"

    def require_account(self, account_id: str | None) -> str:
        """The account if it is this debtor's; otherwise NotFound, exactly as for an account
        that does not exist (a session must not learn that someone else's exists)."""
        chosen = account_id or self.link_account_id
        if chosen not in self.account_ids:
            raise NotFound(f"no account {chosen!r}")
        return chosen


def second_factor_matches(
    method: str, answer: str, *, date_of_birth: date | None, national_id: str
) -> bool:
    """True when `answer` is the debtor's date of birth (YYYY-MM-DD, YYYYMMDD, 1990年3月7日…)
    or the last four characters of their national ID, by `method`. Compared in constant time;
    a debtor without a stored date of birth never matches that method."""
    if method not in SECOND_FACTORS:
        raise InvalidInput(f"method must be one of {', '.join(SECOND_FACTORS)}, got {method!r}")
    if method == "date_of_birth":
        given = normalise_date(answer)
        expected = date_of_birth.isoformat() if date_of_birth is not None else None
    else:
        given = answer.strip().upper()
        suffix = national_id.strip().upper()
        expected = suffix[-4:] if len(suffix) >= 4 else None
    # Compare even when nothing is expected, so both paths take the same time.
    matched = hmac.compare_digest((given or "").encode(), (expected or "\0").encode())
    return matched and given is not None and expected is not None


def normalise_date(text: str) -> str | None:
    """An ISO date from the common ways of writing one, or None when it is not a date."""
    found = _DATE.match(text)
    if found is None:
        return None
    try:
        return date(int(found[1]), int(found[2]), int(found[3])).isoformat()
    except ValueError:
        return None
