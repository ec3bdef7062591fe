"""Request and response bodies of the conversation API (DESIGN.md §4.4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StartConversationIn(_Body):
    account_id: str = Field(min_length=1, max_length=64, description="The account to talk about.")
    lang: Literal["zh", "en"] | None = Field(
        default=None, description="Default: the debtor's locale."
    )
    channel: Literal["chat", "voice", "sms"] = "chat"
    profile: Literal["CN-NIFA", "US-RegF"] | None = Field(
        default=None, description="Default: the debtor's jurisdiction."
    )


class MessageIn(_Body):
    # Empty text is allowed: it is silence (a voice channel's no-input), which the robot answers.
    text: str = Field(max_length=2000, description="What the borrower said, as heard or typed.")


class RobotMessage(BaseModel):
    role: Literal["robot"] = "robot"
    text: str
    at: str | None


class ConversationStarted(BaseModel):
    id: str
    state: str
    messages: list[RobotMessage]
    ended: bool


class TurnOut(BaseModel):
    id: str
    state: str
    messages: list[RobotMessage]
    intent: str | None
    amount: float | int | None = Field(description="As understood, in major units.")
    date: str | None = Field(description="As understood, ISO date.")
    outcomes: list[dict[str, Any]]
    handoff: bool
    ended: bool


class TranscriptLine(BaseModel):
    """One line of the conversation as it happened. Robot lines carry the content guard's verdict;
    a sentence held back (`sent: false`) was never shown to the borrower."""

    seq: int
    role: Literal["robot", "borrower"]
    text: str
    at: str | None
    channel: str | None = None
    key: str | None = None
    verdict: str | None = None
    categories: list[str] | None = None
    screened_by: str | None = None
    sent: bool | None = None
    intent: str | None = None


class EventOut(BaseModel):
    seq: int
    kind: str
    at: str | None
    data: dict[str, Any]


class TranscriptOut(BaseModel):
    id: str
    account_id: str
    debtor_id: str
    contact_id: str | None
    lang: str
    channel: str
    profile: str
    state: str
    ended: bool
    end_reason: str | None
    created_at: datetime
    updated_at: datetime
    outcomes: list[dict[str, Any]]
    transcript: list[TranscriptLine]
    events: list[EventOut] = Field(
        description="Every event, in order: replaying them gives the state."
    )
