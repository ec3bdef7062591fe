"""Signed values of the borrower portal (itsdangerous): the token a portal link carries, and the
portal session cookie a verified borrower gets. Both are signed with the server's secret key
under different salts, so neither can stand in for the other, and both are timed by our clock
(the fake one in tests and demos), not the process's wall clock.

A token only names a link; whether the link may still be used (expired, revoked, locked) is
the database's answer, checked on every use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from huankuan.domain.errors import AuthenticationFailed, LinkUnusable
from huankuan.domain.ports import Clock

LINK_SALT = "huankuan.portal.link"
SESSION_SALT = "huankuan.portal.session"


class _ClockSigner(TimestampSigner):
    """A timestamp signer that reads the time from our clock."""

    def __init__(self, *args: Any, clock: Clock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock.now().timestamp())


@dataclass(frozen=True, slots=True)
class SessionClaim:
    link_id: str
    expires_at: datetime  # aware UTC


class PortalTokens:
    def __init__(self, secret_key: str, clock: Clock) -> None:
        self._clock = clock
        self._links = self._serializer(secret_key, LINK_SALT)
        self._sessions = self._serializer(secret_key, SESSION_SALT)

    def _serializer(self, secret_key: str, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            secret_key, salt=salt, signer=_ClockSigner, signer_kwargs={"clock": self._clock}
        )

    def link_token(self, link_id: str) -> str:
        return str(self._links.dumps({"link": link_id}))

    def read_link_token(self, token: str, max_age_seconds: int) -> str:
        """The link id a token names; LinkUnusable("invalid") for anything forged or malformed,
        LinkUnusable("expired") for a token older than `max_age_seconds`."""
        try:
            payload = self._links.loads(token, max_age=max_age_seconds)
        except SignatureExpired:
            raise LinkUnusable("expired") from None
        except BadSignature:
            raise LinkUnusable("invalid") from None
        link_id = payload.get("link") if isinstance(payload, dict) else None
        if not isinstance(link_id, str) or not link_id:
            raise LinkUnusable("invalid")
        return link_id

    def session_value(self, link_id: str, expires_at: datetime) -> str:
        return str(self._sessions.dumps({"link": link_id, "exp": int(expires_at.timestamp())}))

    def read_session(self, value: str | None) -> SessionClaim:
        """The link a session cookie names, if it is ours and has not expired."""
        if not value:
            raise AuthenticationFailed("open the link from your message and verify first")
        try:
            payload = self._sessions.loads(value)
        except BadSignature:
            raise AuthenticationFailed(
                "the portal session is not valid: open your link again"
            ) from None
        link_id = payload.get("link") if isinstance(payload, dict) else None
        expires = payload.get("exp") if isinstance(payload, dict) else None
        if not isinstance(link_id, str) or not isinstance(expires, int):
            raise AuthenticationFailed("the portal session is not valid: open your link again")
        expires_at = datetime.fromtimestamp(expires, UTC)
        if self._clock.now() >= expires_at:
            raise AuthenticationFailed("the portal session has ended: open your link again")
        return SessionClaim(link_id, expires_at)
