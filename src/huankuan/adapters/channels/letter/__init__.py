"""Letters: printed and mailed. `FakeLetterChannel` keeps them in an in-memory outbox."""

from huankuan.adapters.channels.letter.fake import FakeLetterChannel

__all__ = ["FakeLetterChannel"]
