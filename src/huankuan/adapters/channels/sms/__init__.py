"""SMS: text messages to the debtor's phone. `FakeSmsChannel` keeps them in an in-memory outbox."""

from huankuan.adapters.channels.sms.fake import FakeSmsChannel

__all__ = ["FakeSmsChannel"]
