"""Voice: robot calls and the dialer's agent calls. `FakeVoiceChannel` places no call; it keeps
the call in an in-memory outbox and answers with a scripted outcome (default: rang out)."""

from huankuan.adapters.channels.voice.fake import FakeVoiceChannel

__all__ = ["FakeVoiceChannel"]
