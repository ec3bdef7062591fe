"""Data for the supervisor's and the compliance role's tests (API, pages, browser): a few
debtors of their own with cases, two weeks of contacts, promises, payments in two currencies,
complaints, things to flag and stored gate decisions. Every id carries a prefix, so the rows
never collide with a demo portfolio's."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from huankuan.adapters.storage.gate_store import record_attempt
from huankuan.adapters.storage.tables import (
    account_states,
    cases,
    complaints,
    conversation_events,
    conversations,
    gate_decisions,
    handoffs,
    outbound_messages,
)
from huankuan.bootstrap import App
from huankuan.compliance.profiles import load_profiles
from huankuan.domain.model import Channel
from huankuan.service_layer.robot_gate import ContactRequest, check_contact, choose_contact
from tests.factories import add_account, add_contact_point, add_debtor, add_payment, add_promise

DAY = date(2026, 11, 28)
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
# (debtor, jurisdiction, currency, bucket, days past due)
BORROWERS = (
    ("1", "CN-NIFA", "CNY", "M1", 12),
    ("2", "CN-NIFA", "CNY", "M2", 45),
    ("3", "US-RegF", "USD", "M3", 75),
    ("4", "CN-NIFA", "CNY", "M1", 5),
)
# Contacts per day back from DAY (index 0 = DAY), two weeks of them:
# (robot, human, automated, right party, blocks)
CONTACT_DAYS = tuple(
    (3 + (7 * back) % 5, 1 + (3 * back) % 4, back % 3, 1 + (5 * back) % 4, (2 * back + 1) % 3)
    for back in range(14)
)


@dataclass
class SupervisionData:
    prefix: str
    case_ids: list[str] = field(default_factory=list)
    decision_ids: list[str] = field(default_factory=list)

    def debtor(self, number: str) -> str:
        return f"{self.prefix}D{number}"

    def account(self, number: str) -> str:
        return f"{self.prefix}A{number}"


def seed_once(app: App, prefix: str = "SV-") -> SupervisionData:
    """Seed unless this prefix's data is there already (the browser tests share one server)."""
    with app.engine.connect() as connection:
        found = connection.execute(
            select(gate_decisions.c.decision_id)
            .where(gate_decisions.c.action_id.like(f"{prefix}ACT-%"))
            .order_by(gate_decisions.c.action_id)
        ).scalars()
        decision_ids = list(found)
    if not decision_ids:
        return seed_supervision(app, prefix)
    data = SupervisionData(prefix, decision_ids=decision_ids)
    data.case_ids = [f"{prefix}CASE-{number}" for number, *_ in BORROWERS]
    return data


def seed_supervision(app: App, prefix: str = "SV-", *, decisions: bool = True) -> SupervisionData:
    data = SupervisionData(prefix)
    with app.engine.begin() as connection:
        for number, jurisdiction, currency, bucket, dpd in BORROWERS:
            _borrower(connection, data, number, jurisdiction, currency, bucket, dpd)
        _contacts(connection, data)
        _money(connection, data)
        _complaints_and_flags(connection, data)
    if decisions:
        data.decision_ids = [_decision(app, data, "1", NOW), _decision(app, data, "2", _night())]
    return data


def _night() -> datetime:
    return NOW + timedelta(hours=13, minutes=30)  # 23:30 in Shanghai: the gate blocks


def _borrower(
    connection: Connection,
    data: SupervisionData,
    number: str,
    jurisdiction: str,
    currency: str,
    bucket: str,
    dpd: int,
) -> None:
    debtor_id, account_id = data.debtor(number), data.account(number)
    name = {"1": "王芳", "2": "李雷", "3": "John Smith", "4": "韩梅梅"}[number]
    # No date of birth: the borrower-portal tests pick demo borrowers by it; these are not theirs.
    add_debtor(connection, debtor_id, jurisdiction=jurisdiction, name=name, date_of_birth=None)
    add_account(connection, account_id, debtor_id, currency=currency)
    add_contact_point(connection, f"{data.prefix}C{number}", debtor_id)
    case_id = f"{data.prefix}CASE-{number}"
    connection.execute(insert(cases).values(case_id=case_id, debtor_id=debtor_id))
    data.case_ids.append(case_id)
    connection.execute(
        insert(account_states).values(
            account_id=account_id,
            business_date=DAY,
            days_past_due=dpd,
            bucket=bucket,
            segment="high" if dpd > 30 else "low",
            fees_minor=0,
            penalty_minor=0,
            interest_minor=20_000,
            principal_minor=480_000,
            score=500,
            score_reasons="[]",
        )
    )


def _contacts(connection: Connection, data: SupervisionData) -> None:
    debtor = data.debtor("1")
    for back, (robot, human, automated, right_party, blocks) in enumerate(CONTACT_DAYS):
        at = datetime.combine(DAY - timedelta(days=back), datetime.min.time()) + timedelta(hours=1)
        kinds = [("robot_call", None)] * robot + [("agent_call", "user:agent1")] * human
        kinds += [("sms", None)] * automated
        for index, (channel, actor) in enumerate(kinds):
            outcome = "right_party_contact" if index < right_party else "sent"
            if right_party <= index < right_party + 2:
                outcome = "answered"  # someone answered: not (yet) the right party
            _attempt(connection, data, debtor, at, channel, actor, outcome, f"{back}-{index}")
        for index in range(blocks):
            rules = ["CN-NIFA-HOURS"] if index % 2 == 0 else ["CN-NIFA-FREQ-DAILY"]
            _attempt(
                connection, data, debtor, at, "robot_call", None, None, f"{back}-b{index}", rules
            )


def _attempt(
    connection: Connection,
    data: SupervisionData,
    debtor_id: str,
    at: datetime,
    channel: str,
    actor: str | None,
    outcome: str | None,
    key: str,
    blocked: list[str] | None = None,
) -> None:
    record_attempt(
        connection,
        attempt_id=f"{data.prefix}CA-{key}",
        debtor_id=debtor_id,
        contact_id=f"{data.prefix}C1",
        channel=channel,
        at=at,
        decision="block" if blocked else "allow",
        rules=blocked or [],
        outcome=outcome,
        conversation=outcome in ("right_party_contact", "answered"),
        actor=actor,
    )


def _money(connection: Connection, data: SupervisionData) -> None:
    for back in range(14):
        received = datetime(2026, 11, 27, 18) - timedelta(days=back)  # next morning in Shanghai
        add_payment(
            connection,
            f"{data.prefix}PAY-{back}",
            data.account("1"),
            amount_minor=50_000 + 12_345 * back,
            received_at=received,
        )
        if back % 2 == 0:
            add_payment(
                connection,
                f"{data.prefix}PAYUS-{back}",
                data.account("3"),
                amount_minor=7_550 + 100 * back,
                currency="USD",
                received_at=received + timedelta(hours=10),
            )
        day = DAY - timedelta(days=back)
        add_promise(
            connection,
            f"{data.prefix}PTP-{back}",
            data.account("2"),
            amount_minor=100_000,
            promised_on=day,
            due_on=day + timedelta(days=7),
            status="kept" if back % 3 == 0 else ("broken" if back % 3 == 1 else "open"),
            resolved_on=day if back % 3 != 2 else None,
        )


def _complaints_and_flags(connection: Connection, data: SupervisionData) -> None:
    for number, (opened, resolved) in enumerate(
        ((NOW - timedelta(days=9), None), (NOW - timedelta(hours=1), None)), start=1
    ):
        connection.execute(
            insert(complaints).values(
                complaint_id=f"{data.prefix}CMP-{number}",
                debtor_id=data.debtor(str(number)),
                opened_at=opened.replace(tzinfo=None),
                channel="call",
                summary="王芳: calls at 21:50, too late" if number == 1 else "fees unclear",
                resolved_at=resolved,
            )
        )
    _withheld_sentence(connection, data)
    connection.execute(
        insert(handoffs).values(
            handoff_id=f"{data.prefix}HO-1",
            case_id=f"{data.prefix}CASE-4",
            reason="self_harm",
            priority="urgent",
            created_at=(NOW - timedelta(hours=2)).replace(tzinfo=None),
        )
    )
    connection.execute(insert(outbound_messages).values(**_blocked_message(data)))


def _withheld_sentence(connection: Connection, data: SupervisionData) -> None:
    conversation_id = f"{data.prefix}CV-1"
    at = (NOW - timedelta(hours=3)).replace(tzinfo=None)
    connection.execute(
        insert(conversations).values(
            conversation_id=conversation_id,
            account_id=data.account("2"),
            debtor_id=data.debtor("2"),
            lang="zh",
            channel="chat",
            profile="CN-NIFA",
            state="negotiate",
            created_by="robot",
            created_at=at,
            updated_at=at,
        )
    )
    payload: dict[str, Any] = {
        "key": "negotiate.pressure",
        "text": "李雷,再不还钱就等着上门吧",
        "channel": "chat",
        "verdict": "violation",
        "categories": ["threat_violence"],
        "screened_by": "content_guard",
        "sent": False,
    }
    connection.execute(
        insert(conversation_events).values(
            conversation_id=conversation_id,
            seq=0,
            at=at,
            type="bot_uttered",
            payload={"data": payload, "at": None},
        )
    )


def _blocked_message(data: SupervisionData) -> dict[str, Any]:
    return {
        "message_id": f"{data.prefix}MSG-1",
        "account_id": data.account("3"),
        "debtor_id": data.debtor("3"),
        "channel": "sms",
        "lang": "en",
        "template": "free_text",
        "text": "John Smith, pay today or we call your employer",
        "content_verdict": "violation",
        "content_categories": json.dumps(["third_party_disclosure", "harassment"]),
        "status": "blocked",
        "created_at": (NOW - timedelta(hours=5)).replace(tzinfo=None),
        "created_by": "user:agent2",
    }


def _decision(app: App, data: SupervisionData, number: str, at: datetime) -> str:
    """A gate decision stored as the robot stores it (with its canonical inputs)."""
    profiles = load_profiles()
    with app.uow() as uow:
        facts = uow.robot_reads.account_facts(data.account(number), at)
        contact = choose_contact(facts, Channel.CHAT)
        request = ContactRequest(
            facts,
            contact,
            Channel.CHAT,
            profiles[facts.jurisdiction],
            f"{data.prefix}ACT-{number}",
            at,
        )
        check = check_contact(uow, request)
        uow.commit()
    return check.decision_id
