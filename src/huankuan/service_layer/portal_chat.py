"""Chatting with the robot from the borrower portal: a conversation on one of the session's
accounts, channel "chat", through the robot's own service (the gate decides the contact, the
outcomes are written by the robot's handlers). A portal session reaches only the
conversations it started: any other id is NotFound, exactly like one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from huankuan.adapters.storage.portal_store import PortalStore
from huankuan.dialogue.bot import Turn
from huankuan.domain import commands
from huankuan.domain.errors import NotFound
from huankuan.domain.portal import PortalScope
from huankuan.service_layer import conversations
from huankuan.service_layer.conversations import Transcript
from huankuan.service_layer.robot import Robot
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class ChatLine:
    role: str  # "borrower" | "robot"
    text: str
    at: str | None


def visible_lines(found: Transcript) -> list[ChatLine]:
    """The conversation as the borrower saw it: their lines, and the robot's lines that were
    sent in the chat (a sentence the content guard held back was never shown; the recap SMS
    goes to the phone, not the chat)."""
    channel = found.conversation.channel
    lines = []
    for event in found.events:
        data = event.data
        if event.kind == "user_uttered":
            lines.append(ChatLine("borrower", str(data["text"]), event.at))
        elif (
            event.kind == "bot_uttered"
            and data.get("sent") is True
            and data.get("channel") in (None, channel)
        ):
            lines.append(ChatLine("robot", str(data["text"]), event.at))
    return lines


def start_chat(
    scope: PortalScope,
    *,
    account_id: str | None,
    lang: str | None,
    uow: SqlUnitOfWork,
    robot: Robot,
) -> Turn:
    chosen = scope.require_account(account_id)
    return conversations.start_conversation(
        commands.StartConversation(
            account_id=chosen, lang=lang or scope.lang, channel="chat", actor=scope.actor
        ),
        uow=uow,
        robot=robot,
    )


def send(
    scope: PortalScope, conversation_id: str, text: str, *, uow: SqlUnitOfWork, robot: Robot
) -> Turn:
    require_own(scope, conversation_id, uow=uow)
    return conversations.handle_message(
        commands.SendMessage(conversation_id=conversation_id, text=text, actor=scope.actor),
        uow=uow,
        robot=robot,
    )


def transcript(scope: PortalScope, conversation_id: str, *, uow: SqlUnitOfWork) -> Transcript:
    require_own(scope, conversation_id, uow=uow)
    return conversations.transcript(conversation_id, uow=uow)


def own_conversations(scope: PortalScope, *, uow: SqlUnitOfWork) -> list[str]:
    """The session's link's conversations, oldest first."""
    with uow:
        return PortalStore(uow.connection).conversation_ids(scope.actor)


def require_own(scope: PortalScope, conversation_id: str, *, uow: SqlUnitOfWork) -> None:
    with uow:
        try:
            conversation = uow.conversations.get(conversation_id)
        except NotFound:
            conversation = None
    if (
        conversation is None
        or conversation.created_by != scope.actor
        or conversation.debtor_id != scope.debtor_id
    ):
        raise NotFound(f"no conversation {conversation_id!r}")
