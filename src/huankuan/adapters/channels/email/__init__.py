"""Email: messages with a subject. `FakeEmailChannel` keeps them in an in-memory outbox."""

from huankuan.adapters.channels.email.fake import FakeEmailChannel

__all__ = ["FakeEmailChannel"]
