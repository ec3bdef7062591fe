"""What a conversation's outcomes change on the case, each through its handler: a promise, a
plan, a dispute (and the profile's hold), a hold, a hand-off, a wrong party's contact point
marked, a cease request, a complaint, a callback, and the recap SMS.

The safety outcomes (the welfare hold and the urgent hand-off of a self-harm statement) are
written first, in a transaction of their own, so that nothing later can undo them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from huankuan.dialogue.context import ConversationContext
from huankuan.dialogue.tracker import Event, JsonObject
from huankuan.domain import commands
from huankuan.domain.conversations import Conversation
from huankuan.domain.model import Channel, HoldType
from huankuan.service_layer import handlers
from huankuan.service_layer.robot import Robot
from huankuan.service_layer.robot_gate import (
    ContactRequest,
    callback_time,
    choose_contact,
    robot_channel,
)
from huankuan.service_layer.robot_recap import Recap, queue_recap
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

# Channels in which what the borrower says is in writing (a dispute "in writing" under Reg F
# includes electronic messages); a voice call is oral.
WRITTEN_CHANNELS = frozenset({"chat", "sms"})


@dataclass(frozen=True, slots=True)
class OutcomeScene:
    """Where the outcomes happened: the conversation, its context, its events, when, by whom."""

    conversation: Conversation
    context: ConversationContext
    events: Sequence[Event]
    now: datetime
    actor: str
    robot: Robot

    def note(self, what: str) -> str:
        return f"{what} (robot conversation {self.conversation.conversation_id})"


Writer = Callable[[SqlUnitOfWork, OutcomeScene, Mapping[str, Any]], None]


def is_safety(outcome: Mapping[str, Any]) -> bool:
    """The outcomes of the safety protocol: a welfare hold and an urgent hand-off."""
    return (outcome.get("type"), outcome.get("hold_type") or outcome.get("priority")) in {
        ("hold", "welfare"),
        ("handoff", "urgent"),
    }


def write_safety_first(
    uow: SqlUnitOfWork, scene: OutcomeScene, outcomes: Iterable[JsonObject]
) -> None:
    """The safety outcomes alone, committed now. Idempotent per conversation, so a turn sent
    again after a failure does not place them twice."""
    safety = [outcome for outcome in outcomes if is_safety(outcome)]
    if not safety:
        return
    with uow:
        if not uow.handoffs.exists(scene.conversation.conversation_id, "self_harm"):
            for outcome in sorted(safety, key=lambda o: o["type"] != "hold"):  # the hold first
                WRITERS[str(outcome["type"])](uow, scene, outcome)
        uow.commit()


def write_outcomes(uow: SqlUnitOfWork, scene: OutcomeScene, outcomes: Iterable[JsonObject]) -> None:
    """Every other outcome, inside the caller's transaction."""
    for outcome in outcomes:
        if not is_safety(outcome):
            WRITERS[str(outcome["type"])](uow, scene, outcome)


def _promise(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    handlers.record_promise(
        commands.RecordPromise(
            account_id=scene.conversation.account_id,
            amount_minor=int(outcome["amount_minor"]),
            due_on=date.fromisoformat(outcome["due_on"]),
            promised_on=date.fromisoformat(outcome["promised_on"]),
            actor=scene.actor,
        ),
        uow=uow,
        currency=str(outcome["currency"]),
    )


def _plan(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    handlers.record_plan(
        commands.RecordPlan(
            account_id=scene.conversation.account_id,
            kind=str(outcome["kind"]),
            currency=str(outcome["currency"]),
            down_payment_minor=int(outcome["down_payment_minor"]),
            down_payment_due_on=date.fromisoformat(outcome["down_payment_due_on"]),
            instalments=tuple(
                (date.fromisoformat(item["due_on"]), int(item["amount_minor"]))
                for item in outcome["instalments"]
            ),
            discount_minor=int(outcome["discount_minor"]),
            agreed_on=date.fromisoformat(outcome["agreed_on"]),
            actor=scene.actor,
        ),
        uow=uow,
    )


def _hold(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    days = outcome.get("days")
    _place_hold(
        uow,
        scene,
        HoldType(outcome["hold_type"]),
        scene.note(str(outcome["reason"])),
        ends_at=scene.now + timedelta(days=int(days)) if days else None,
    )


def _place_hold(
    uow: SqlUnitOfWork,
    scene: OutcomeScene,
    hold_type: HoldType,
    reason: str,
    ends_at: datetime | None = None,
) -> None:
    handlers.place_hold(
        commands.PlaceHold(
            debtor_id=scene.conversation.debtor_id,
            hold_type=hold_type,
            starts_at=scene.now,
            reason=reason,
            ends_at=ends_at,
            actor=scene.actor,
        ),
        uow=uow,
    )


def _handoff(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    details = {k: v for k, v in outcome.items() if k not in ("type", "priority", "reason")}
    handlers.hand_off(
        commands.HandOff(
            debtor_id=scene.conversation.debtor_id,
            account_id=scene.conversation.account_id,
            reason=str(outcome["reason"]),
            priority=str(outcome["priority"]),
            details=json.dumps(details, ensure_ascii=False, sort_keys=True),
            conversation_id=scene.conversation.conversation_id,
            actor=scene.actor,
        ),
        uow=uow,
    )


def _dispute(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    """A dispute row, and the hold the profile ties to disputes (the robot told the borrower
    that collection pauses, so it does, until the dispute is verified)."""
    handlers.open_dispute(
        commands.OpenDispute(
            account_id=scene.conversation.account_id,
            reason=str(outcome["reason"]),
            written=scene.conversation.channel in WRITTEN_CHANNELS,
            actor=scene.actor,
        ),
        uow=uow,
    )
    profile = scene.robot.profiles[scene.conversation.profile]
    if profile.hold_rule(HoldType.DISPUTE.value) is not None:
        _place_hold(uow, scene, HoldType.DISPUTE, scene.note("dispute: collection paused"))


def _wrong_party(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    contact_id = outcome.get("contact_point_id") or scene.conversation.contact_id
    if contact_id is None:
        return
    handlers.mark_contact_invalid(
        commands.MarkContactInvalid(
            contact_id=str(contact_id),
            reason=scene.note("wrong party: the person reached is not the debtor"),
            actor=scene.actor,
        ),
        uow=uow,
    )


def _cease(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    verified = "identity verified" if outcome.get("verified") else "identity not verified"
    _place_hold(uow, scene, HoldType.CEASE_CONTACT, scene.note(f"cease requested, {verified}"))


def _complaint(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    handlers.open_complaint(
        commands.OpenComplaint(
            debtor_id=scene.conversation.debtor_id,
            channel=scene.conversation.channel,
            summary=str(outcome.get("note") or ""),
            actor=scene.actor,
        ),
        uow=uow,
    )


def _callback(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    conversation = scene.conversation
    day = date.fromisoformat(outcome["date"]) if outcome.get("date") else None
    clock = outcome.get("time")
    request = _request(uow, scene, "callback")
    handlers.schedule_callback(
        commands.ScheduleCallback(
            account_id=conversation.account_id,
            debtor_id=conversation.debtor_id,
            contact_id=request.contact.contact_id,
            channel=request.channel.value,
            requested_date=day,
            requested_time=str(clock) if clock else None,
            scheduled_at=callback_time(uow, request, day, str(clock) if clock else None),
            conversation_id=conversation.conversation_id,
            actor=scene.actor,
        ),
        uow=uow,
    )


def _recap(uow: SqlUnitOfWork, scene: OutcomeScene, outcome: Mapping[str, Any]) -> None:
    text, key = str(outcome["text"]), str(outcome["key"])
    screened = next(
        (
            event.data
            for event in reversed(scene.events)
            if event.kind == "bot_uttered"
            and event.data.get("channel") == "sms"
            and event.data.get("text") == text
        ),
        {"verdict": "ok", "categories": []},
    )
    recap = Recap(
        text=text,
        template=key,
        lang=scene.conversation.lang,
        verdict=str(screened["verdict"]),
        categories=tuple(str(c) for c in screened["categories"] or []),  # type: ignore[union-attr]
        conversation_id=scene.conversation.conversation_id,
    )
    request = _request(uow, scene, "recap", Channel.SMS)
    queue_recap(uow, request, recap, scene.robot.recap_channel)


def _request(
    uow: SqlUnitOfWork, scene: OutcomeScene, action: str, channel: Channel | None = None
) -> ContactRequest:
    """A contact with the conversation's own contact point (on its channel unless another is
    given), decided at `now`."""
    conversation = scene.conversation
    facts = uow.robot_reads.account_facts(conversation.account_id, scene.now)
    channel = channel or robot_channel(conversation.channel)
    contact = next(
        (point for point in facts.contact_points if point.contact_id == conversation.contact_id),
        None,
    ) or choose_contact(facts, channel)
    return ContactRequest(
        facts=facts,
        contact=contact,
        channel=channel,
        profile=scene.robot.profiles[conversation.profile],
        action_id=f"{action}-{conversation.conversation_id}",
        at=scene.now,
    )


WRITERS: dict[str, Writer] = {
    "promise_to_pay": _promise,
    "plan": _plan,
    "hold": _hold,
    "handoff": _handoff,
    "dispute": _dispute,
    "wrong_party": _wrong_party,
    "cease_contact": _cease,
    "complaint": _complaint,
    "callback": _callback,
    "recap": _recap,
}
