"""Chat: a robot conversation opened in the borrower portal or app. `FakeChatChannel` keeps the
opening messages in an in-memory outbox."""

from huankuan.adapters.channels.chat.fake import FakeChatChannel

__all__ = ["FakeChatChannel"]
