"""The one exception hierarchy of huankuan.

    HuankuanError                 base of everything we raise on purpose
    ├── InvalidInput              bad data from outside (files, payloads, text); carries where
    │   ├── InvalidMoney          negative, non-integer or unknown-currency amounts
    │   ├── ConfigError           a YAML/config file that fails its schema (file, line, field)
    ├── NotFound                  an id that is not stored
    ├── DatabaseMissing           the database file/server does not exist or is not initialised
    ├── CycleDateError            a cycle date in the future or before the data
    │   └── OutsidePolicy         a borrower's proposal the negotiation policy does not allow
    ├── ComplianceViolation       an action refused because no approving gate decision exists
    │   ├── ContactBlocked        the gate blocks the contact now (carries the rule ids)
    │   └── ContentBlocked        the content guard refuses an outgoing text (with why, zh/en)
    ├── ConversationEnded         a borrower message to a robot conversation that has ended
    ├── ConcurrentUpdate          the same record was changed by someone else meanwhile; retry
    ├── AuthenticationFailed      no credentials, or credentials that do not check out
    │   ├── TooManyAttempts       too many failed sign-ins: wait, then retry
    │   ├── LinkUnusable          a borrower-portal link that is forged, expired, revoked, locked
    │   └── SignatureInvalid      a webhook whose signature is missing, stale or wrong
    └── PermissionDenied          an authenticated user whose role or assignment does not allow it

HTTP status codes and CLI exit codes are chosen at the edges, from these classes only.
"""

from __future__ import annotations

from datetime import datetime


class HuankuanError(Exception):
    """Base class for every error huankuan raises on purpose."""


class InvalidInput(HuankuanError):
    """Input from outside is malformed; the message says what and where."""


class InvalidMoney(InvalidInput):
    """A money amount or currency is not acceptable."""


class ConfigError(InvalidInput):
    """A configuration file (strategy, profile, script) fails validation."""

    def __init__(self, file: str, line: int | None, field: str, reason: str) -> None:
        self.file, self.line, self.field, self.reason = file, line, field, reason
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: field '{field}': {reason}")


class NotFound(HuankuanError):
    """The requested entity does not exist."""


class DatabaseMissing(HuankuanError):
    """The database is absent or has not been initialised with `huankuan init`."""


class CycleDateError(HuankuanError):
    """The business date for the daily cycle is not acceptable."""


class ComplianceViolation(HuankuanError):
    """An action was attempted without an approving compliance decision."""


class ConversationEnded(HuankuanError):
    """The robot conversation has ended (agreement, hand-off, welfare, wrong party…); it takes no
    more messages. A new contact is a new conversation."""

    def __init__(self, reason: str | None) -> None:
        self.reason = reason
        super().__init__(f"the conversation has ended ({reason or 'no reason recorded'})")


class ContactBlocked(ComplianceViolation):
    """The compliance gate blocks the contact: `rules` are the blocking rule ids and
    `next_allowed_at` (aware UTC) the earliest instant waiting alone would allow, if any."""

    def __init__(
        self, message: str, rules: tuple[str, ...], next_allowed_at: datetime | None = None
    ) -> None:
        self.rules, self.next_allowed_at = rules, next_allowed_at
        super().__init__(message)


class ConcurrentUpdate(HuankuanError):
    """Two writers raced for the same record (e.g. two messages to one conversation at once)."""


class AuthenticationFailed(HuankuanError):
    """Missing, unknown, revoked or wrong credentials."""


class TooManyAttempts(AuthenticationFailed):
    """Throttled: too many failures for this username, client or link in the window."""

    def __init__(self, message: str, retry_after: datetime | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # aware UTC; None: locked until someone unlocks it


class PermissionDenied(HuankuanError):
    """The user is known but may not do this (role, or a case not assigned to them)."""


class ContentBlocked(ComplianceViolation):
    """The content guard refuses an outgoing text (an agent's message): `categories` are the
    guard's categories, `explanation` says why in each language ({"zh": …, "en": …})."""

    def __init__(
        self, message: str, categories: tuple[str, ...], explanation: dict[str, str]
    ) -> None:
        self.categories, self.explanation = categories, explanation
        super().__init__(message)


class LinkUnusable(AuthenticationFailed):
    """A borrower-portal link that cannot be used: `reason` is "invalid" (forged, malformed or
    unknown), "expired", "revoked" or "locked" (too many wrong second factors). The message
    says nothing about the debtor it was for."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"this portal link cannot be used ({reason})")


class SignatureInvalid(AuthenticationFailed):
    """A signed request (the payment provider's webhook) whose signature does not check out."""


class OutsidePolicy(InvalidInput):
    """A borrower's proposal the negotiation policy does not allow: `problem` is the reason code
    (e.g. "amount_too_low", "date_too_late", "unknown_offer") and `counter` the closest
    arrangement the policy does allow, as plain data, when there is one."""

    def __init__(
        self, problem: str, message: str, counter: dict[str, object] | None = None
    ) -> None:
        self.problem, self.counter = problem, counter
        super().__init__(message)
