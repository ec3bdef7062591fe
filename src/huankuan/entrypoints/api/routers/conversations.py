"""Robot conversations over HTTP (DESIGN.md §4.4): start one, send the borrower's messages, read
the whole transcript back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from huankuan.dialogue.bot import Turn
from huankuan.dialogue.tracker import Event
from huankuan.domain import commands
from huankuan.entrypoints.api.deps import AppDep, Operator, Reader, RobotDep
from huankuan.entrypoints.api.schemas import (
    ConversationStarted,
    EventOut,
    MessageIn,
    StartConversationIn,
    TranscriptLine,
    TranscriptOut,
    TurnOut,
)
from huankuan.service_layer import conversations
from huankuan.service_layer.conversations import Transcript

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No API token, or an unknown or revoked one."},
    403: {"description": "The role may not do this, or the case is not assigned to you."},
    404: {"description": "No such conversation or account."},
    422: {"description": "The body is malformed (the message says which field and why)."},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=ConversationStarted,
    responses={
        **_ERRORS,
        409: {"description": "The compliance gate blocks the contact now (`rules`)."},
    },
)
def start_conversation(
    body: StartConversationIn, application: AppDep, robot: RobotDep, user: Operator
) -> dict[str, Any]:
    """Start a robot conversation on an account; the gate must allow the contact now."""
    turn = conversations.start_conversation(
        commands.StartConversation(
            account_id=body.account_id,
            lang=body.lang,
            channel=body.channel,
            profile=body.profile,
            actor=user.actor,
        ),
        uow=application.uow(),
        robot=robot,
        principal=user,
    )
    shown = turn.to_dict()
    return {key: shown[key] for key in ("id", "state", "messages", "ended")}


@router.post(
    "/{conversation_id}/messages",
    response_model=TurnOut,
    responses={**_ERRORS, 409: {"description": "The conversation has ended."}},
)
def send_message(
    conversation_id: str, body: MessageIn, application: AppDep, robot: RobotDep, user: Operator
) -> dict[str, Any]:
    """The borrower's message; the answer holds only the robot's new messages."""
    turn: Turn = conversations.handle_message(
        commands.SendMessage(conversation_id=conversation_id, text=body.text, actor=user.actor),
        uow=application.uow(),
        robot=robot,
        principal=user,
    )
    return turn.to_dict()


@router.get("/{conversation_id}", response_model=TranscriptOut, responses=_ERRORS)
def get_conversation(conversation_id: str, application: AppDep, user: Reader) -> TranscriptOut:
    """The whole conversation: every event, and the lines as said, with each robot sentence's
    content-guard verdict."""
    found = conversations.transcript(conversation_id, uow=application.uow(), principal=user)
    return transcript_out(found)


def transcript_out(found: Transcript) -> TranscriptOut:
    conversation, state = found.conversation, found.state
    return TranscriptOut(
        id=conversation.conversation_id,
        account_id=conversation.account_id,
        debtor_id=conversation.debtor_id,
        contact_id=conversation.contact_id,
        lang=conversation.lang,
        channel=conversation.channel,
        profile=conversation.profile,
        state=state.state,
        ended=state.ended,
        end_reason=state.end_reason,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        outcomes=[dict(outcome) for outcome in state.outcomes],
        transcript=[line for event in found.events if (line := _line(event)) is not None],
        events=[
            EventOut(seq=event.seq, kind=event.kind, at=event.at, data=dict(event.data))
            for event in found.events
        ],
    )


def _line(event: Event) -> TranscriptLine | None:
    data = event.data
    if event.kind == "user_uttered":
        parse = data.get("parse")
        intent = parse.get("intent") if isinstance(parse, dict) else None
        return TranscriptLine(
            seq=event.seq,
            role="borrower",
            text=str(data["text"]),
            at=event.at,
            intent=str(intent) if intent is not None else None,
        )
    if event.kind != "bot_uttered":
        return None
    categories = data.get("categories")
    return TranscriptLine(
        seq=event.seq,
        role="robot",
        text=str(data["text"]),
        at=event.at,
        channel=str(data.get("channel")),
        key=str(data.get("key")),
        verdict=str(data.get("verdict")),
        categories=[str(c) for c in categories] if isinstance(categories, list) else [],
        screened_by=str(data.get("screened_by")),
        sent=data.get("sent") is True,
    )
