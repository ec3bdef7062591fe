"""What an agent does on a case: log a call and its outcome (the gate decides the call when it
is logged, and its decision is stored as proof), open a dispute or a complaint, place a hold,
add a note. Promises and plans are in agent_agreements.py, messages in agent_messages.py.

Every action is authorized (an agent acts only on the cases assigned to them; compliance staff
never act), validated before anything is written, audited, and atomic: one transaction, so bad
input leaves nothing half-written. Refusals name their reason in English and Chinese, because
an agent reads them on the page as they are."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from huankuan.adapters.storage.workbench_store import Row, SqlWorkbenchStore
from huankuan.domain import commands
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import ContactBlocked, InvalidInput, NotFound
from huankuan.domain.model import Channel, HoldType
from huankuan.domain.users import Principal
from huankuan.service_layer import handlers
from huankuan.service_layer.access import authorize_case
from huankuan.service_layer.robot_gate import ContactResult, blocked_message
from huankuan.service_layer.unit_of_work import SqlUnitOfWork
from huankuan.service_layer.workbench_gate import (
    HUMAN_CHANNELS,
    CaseRules,
    Contact,
    decide,
    pick_contact,
    record,
)

# A call's outcomes, and what each means for the history the gate counts: a call that rang out
# or reached voicemail connected without a conversation; busy or a dead number did not connect.
CALL_OUTCOMES: dict[str, ContactResult] = {
    "no_answer": ContactResult("no_answer", connected=True),
    "voicemail": ContactResult("voicemail", connected=True),
    "busy": ContactResult("busy", connected=False),
    "not_in_service": ContactResult("not_in_service", connected=False),
    "right_party_contact": ContactResult("right_party_contact", connected=True, conversation=True),
    "wrong_party": ContactResult("wrong_party", connected=True, conversation=True),
    "refused": ContactResult("refused", connected=True, conversation=True),
    "promise_to_pay": ContactResult("promise_to_pay", connected=True, conversation=True),
    "plan": ContactResult("plan", connected=True, conversation=True),
    "dispute": ContactResult("dispute", connected=True, conversation=True),
    "hardship": ContactResult("hardship", connected=True, conversation=True),
    "callback_requested": ContactResult("callback_requested", connected=True, conversation=True),
}
COMPLAINT_CHANNELS = ("phone", "email", "letter", "sms", "chat", "portal", "in_person", "regulator")
MAX_TEXT = 2000
MAX_HOLD_DAYS = 366


@dataclass(frozen=True, slots=True)
class CallLogged:
    attempt_id: str
    decision_id: str
    action_id: str
    outcome: str


def log_call_outcome(
    cmd: commands.LogCallOutcome,
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    rules: CaseRules,
) -> CallLogged:
    """The call is decided by the gate now, as any contact is. Blocked: the refusal and its
    proof are kept, and ContactBlocked says which rules and when it may be tried again."""
    result = CALL_OUTCOMES.get(cmd.outcome)
    if result is None:
        raise refusal(
            f"outcome must be one of {', '.join(CALL_OUTCOMES)}, got {cmd.outcome!r}",
            f"通话结果须为 {', '.join(CALL_OUTCOMES)} 之一",
        )
    note = optional_text(cmd.note, "note")
    now = utc_now(uow)
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        item = _plan_item(uow, case, cmd.action_id)
        account_id = cmd.account_id or (item["account_id"] if item else None)
        facts = case_facts(uow, case, account_id, now)
        point = pick_contact(facts, Channel.AGENT_CALL, cmd.contact_id or _planned(item))
        action_id = cmd.action_id or f"AGT-{uuid.uuid4().hex[:16]}"
        template = item["template"] if item else "agent_call"
        contact = Contact(facts, point, Channel.AGENT_CALL, action_id, now, template)
        check = decide(uow, contact, rules.profile(facts.jurisdiction))
        attempt_id = record(uow, contact, check, result, cmd.actor)
        details = {
            "case_id": cmd.case_id,
            "attempt_id": attempt_id,
            "action_id": action_id,
            "decision_id": check.decision_id,
            "contact_id": point.contact_id,
        }
        if not check.decision.allowed:
            audit_case(
                uow,
                cmd.actor,
                "call.blocked",
                facts.account_id,
                {**details, "rules": list(check.decision.rules)},
            )
            uow.commit()  # the refusal and its proof are kept
            raise ContactBlocked(
                blocked_message(f"calling account {facts.account_id}", check.decision),
                check.decision.rules,
                check.decision.next_allowed_at,
            )
        if cmd.outcome == "wrong_party":
            _stop_using(uow, cmd, point.contact_id, attempt_id)
        if note:
            _note(uow, case, cmd.actor, f"[{cmd.outcome}] {note}", now)
        audit_case(
            uow, cmd.actor, "call.logged", facts.account_id, {**details, "outcome": cmd.outcome}
        )
        uow.commit()
    return CallLogged(attempt_id, check.decision_id, action_id, cmd.outcome)


def open_dispute(
    cmd: commands.OpenCaseDispute,
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    rules: CaseRules,
) -> str:
    """A dispute, and the hold the profile ties to disputes (collection pauses until the
    dispute is verified, where the profile says so)."""
    reason = required_text(cmd.reason, "reason")
    now = utc_now(uow)
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        facts = case_facts(uow, case, cmd.account_id, now)
        dispute_id = handlers.open_dispute(
            commands.OpenDispute(facts.account_id, reason, cmd.written, actor=cmd.actor), uow=uow
        )
        if rules.profile(facts.jurisdiction).hold_rule(HoldType.DISPUTE.value) is not None:
            handlers.place_hold(
                commands.PlaceHold(
                    debtor_id=facts.debtor_id,
                    hold_type=HoldType.DISPUTE,
                    starts_at=now,
                    reason=f"dispute {dispute_id}: collection paused",
                    account_id=facts.account_id,
                    actor=cmd.actor,
                ),
                uow=uow,
            )
        uow.commit()
    return dispute_id


def open_complaint(
    cmd: commands.OpenCaseComplaint, *, uow: SqlUnitOfWork, principal: Principal | None
) -> str:
    summary = required_text(cmd.summary, "summary")
    if cmd.channel not in COMPLAINT_CHANNELS:
        raise refusal(
            f"channel must be one of {', '.join(COMPLAINT_CHANNELS)}, got {cmd.channel!r}",
            f"投诉渠道须为 {', '.join(COMPLAINT_CHANNELS)} 之一",
        )
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        complaint_id = handlers.open_complaint(
            commands.OpenComplaint(case["debtor_id"], cmd.channel, summary, actor=cmd.actor),
            uow=uow,
        )
        uow.commit()
    return complaint_id


def place_hold(
    cmd: commands.PlaceCaseHold, *, uow: SqlUnitOfWork, principal: Principal | None
) -> str:
    reason = required_text(cmd.reason, "reason")
    try:
        hold_type = HoldType(cmd.hold_type)
    except ValueError:
        names = ", ".join(kind.value for kind in HoldType)
        raise refusal(
            f"hold_type must be one of {names}, got {cmd.hold_type!r}", f"暂停类型须为 {names} 之一"
        ) from None
    if cmd.days is not None and not 1 <= cmd.days <= MAX_HOLD_DAYS:
        raise refusal(
            f"days must be within 1..{MAX_HOLD_DAYS} (or empty: until lifted)",
            f"天数须在 1 至 {MAX_HOLD_DAYS} 之间（留空表示直至解除）",
        )
    now = utc_now(uow)
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        if cmd.account_id is not None:
            case_facts(uow, case, cmd.account_id, now)  # the account must be the case's
        hold_id = handlers.place_hold(
            commands.PlaceHold(
                debtor_id=case["debtor_id"],
                hold_type=hold_type,
                starts_at=now,
                reason=reason,
                ends_at=now + timedelta(days=cmd.days) if cmd.days else None,
                account_id=cmd.account_id,
                actor=cmd.actor,
            ),
            uow=uow,
        )
        uow.commit()
    return hold_id


def add_note(cmd: commands.AddCaseNote, *, uow: SqlUnitOfWork, principal: Principal | None) -> str:
    body = required_text(cmd.body, "body")
    with uow:
        case = authorized_case(uow, cmd.case_id, principal)
        note_id = _note(uow, case, cmd.actor, body, utc_now(uow))
        uow.commit()
    return note_id


# -- shared by the agent's actions ---------------------------------------------------------------


def authorized_case(uow: SqlUnitOfWork, case_id: str, principal: Principal | None) -> Row:
    case = SqlWorkbenchStore(uow.connection).case(case_id)
    authorize_case(principal, case["assigned_to"], act=True)
    return case


def case_facts(
    uow: SqlUnitOfWork, case: Row, account_id: str | None, now: datetime
) -> AccountFacts:
    """The facts of one of the case's accounts (default: its first). An account of another
    debtor is NotFound here: naming it must not reveal that it exists."""
    if account_id is None:
        accounts = SqlWorkbenchStore(uow.connection).accounts(case["debtor_id"])
        if not accounts:
            raise NotFound(f"case {case['case_id']} has no account")
        account_id = str(accounts[0]["account_id"])
    try:
        facts = uow.robot_reads.account_facts(account_id, now)
    except NotFound:
        facts = None
    if facts is None or facts.debtor_id != case["debtor_id"]:
        raise NotFound(f"case {case['case_id']} has no account {account_id!r}")
    return facts


def audit_case(
    uow: SqlUnitOfWork, actor: str, action: str, account_id: str, details: dict[str, object]
) -> None:
    uow.audit.record(
        actor=actor, action=action, entity_type="account", entity_id=account_id, details=details
    )


def refusal(english: str, chinese: str) -> InvalidInput:
    """Bad input, said in both languages (the page shows the message as it is)."""
    return InvalidInput(f"{english} / {chinese}")


def required_text(value: str | None, name: str) -> str:
    text = (value or "").strip()
    if not text:
        raise refusal(f"{name} is required", f"{name} 为必填项")
    return optional_text(text, name) or text


def optional_text(value: str | None, name: str) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise refusal(
            f"{name} is longer than {MAX_TEXT} characters", f"{name} 超过 {MAX_TEXT} 个字符"
        )
    return text or None


def utc_now(uow: SqlUnitOfWork) -> datetime:
    return uow.clock.now().astimezone(UTC).replace(microsecond=0)


def _plan_item(uow: SqlUnitOfWork, case: Row, action_id: str | None) -> Row | None:
    """The queue item being worked: a plan action of this case's debtor on a human channel."""
    if action_id is None:
        return None
    item = SqlWorkbenchStore(uow.connection).plan_item(action_id)
    human = {channel.value for channel in HUMAN_CHANNELS}
    if item is None or item["debtor_id"] != case["debtor_id"] or item["channel"] not in human:
        raise NotFound(f"case {case['case_id']} has no queue item {action_id!r}")
    return item


def _planned(item: Row | None) -> str | None:
    return None if item is None else str(item["contact_id"])


def _stop_using(
    uow: SqlUnitOfWork, cmd: commands.LogCallOutcome, contact_id: str, attempt_id: str
) -> None:
    """A wrong party answered: the number is not the debtor's, so it is not used again."""
    handlers.mark_contact_invalid(
        commands.MarkContactInvalid(
            contact_id,
            f"wrong party: the person reached is not the debtor (agent call {attempt_id})",
            actor=cmd.actor,
        ),
        uow=uow,
    )


def _note(uow: SqlUnitOfWork, case: Row, actor: str, body: str, now: datetime) -> str:
    note_id = f"NOTE-{uuid.uuid4().hex[:16]}"
    SqlWorkbenchStore(uow.connection).add_note(
        note_id=note_id, case_id=case["case_id"], author=actor, body=body, created_at=now
    )
    uow.audit.record(
        actor=actor,
        action="case.note_added",
        entity_type="case",
        entity_id=case["case_id"],
        details={"note_id": note_id, "length": len(body)},
    )
    return note_id
