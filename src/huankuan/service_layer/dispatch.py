"""Dispatch: send the day's allowed actions whose time has come, through the channel adapters,
re-checking the gate at send time against the history as it is now.

For each due action, in working order (time, then priority): the gate's facts are built from the
stored state (the contact point, the holds in force now, whether the debtor is reachable, the
contact history including what this run has already sent); the scalar gate decides at `now`;
the decision is stored with the canonical JSON of its inputs and their sha256; an allowed
action's text is rendered from its template in the debtor's language and screened by the
content guard; and the channel's adapter sends it — after checking the stored decision itself.
Every action tried leaves a contact_attempts row, the run one audit row (with a digest of its
decisions). One transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol

import polars as pl

from huankuan.adapters.channels.base import ChannelAdapter, DecisionLookup, OutboundMessage
from huankuan.adapters.channels.fake import fake_channels
from huankuan.adapters.channels.templates import language_of, render
from huankuan.adapters.storage.dispatch_store import SqlDispatchStore
from huankuan.adapters.storage.gate_store import GateDecisionRow, SqlGateDecisions, record_attempt
from huankuan.compliance.engine import evaluate, gate_version
from huankuan.compliance.facts import (
    Attempt,
    ContactEvent,
    Decision,
    GateDebtor,
    screening_context,
)
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.compliance.proof import canonical_inputs, canonical_json, inputs_hash
from huankuan.compliance.rows import events_by_debtor, opt_outs
from huankuan.compliance.rules.base import local_day
from huankuan.domain.errors import NotFound
from huankuan.domain.model import Channel, ContactRole
from huankuan.domain.money import Money

if TYPE_CHECKING:
    from huankuan.bootstrap import App

ChannelFactory = Callable[[DecisionLookup], Mapping[Channel, ChannelAdapter]]


class Guard(Protocol):
    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Any: ...


@dataclass
class DispatchReport:
    business_date: date
    at: datetime
    due: int = 0
    sent: int = 0
    blocked_by_gate: int = 0
    blocked_by_content: int = 0
    not_sendable: int = 0  # no template for the language, or no adapter for the channel
    expired: int = 0  # the business date is over in the debtor's zone: left unsent
    sent_by_channel: dict[str, int] = field(default_factory=dict)
    blocked_by_rule: dict[str, int] = field(default_factory=dict)
    decisions_digest: str = ""

    def stats(self) -> dict[str, Any]:
        stats = asdict(self)
        stats["business_date"] = self.business_date.isoformat()
        stats["at"] = self.at.isoformat()
        return stats


@dataclass
class DispatchResult:
    report: DispatchReport
    adapters: Mapping[Channel, ChannelAdapter]  # the fakes keep what they sent


def dispatch(
    app: App,
    business_date: date,
    *,
    guard: Guard,
    channel: Channel | None = None,
    channels: ChannelFactory = fake_channels,
    profiles: Mapping[str, Profile] | None = None,
) -> DispatchResult:
    now = app.clock.now().astimezone(UTC).replace(microsecond=0)
    profiles = profiles or load_profiles()
    report = DispatchReport(business_date, now)
    with app.uow() as uow:
        store = SqlDispatchStore(uow.connection, business_date)
        decisions = SqlGateDecisions(uow.connection)
        adapters = channels(decisions)
        run = _Run(uow.connection, decisions, adapters, profiles, guard, report)
        due = store.due_actions(now.replace(tzinfo=None), channel and channel.value)
        run.load(store, due)
        for row in due.iter_rows(named=True):
            run.one(row)
        report.decisions_digest = run.digest()
        uow.audit.record(
            actor="system",
            action="dispatch.completed",
            entity_type="dispatch",
            entity_id=f"{business_date.isoformat()}@{now.isoformat()}",
            details=report.stats(),
        )
        uow.commit()
    return DispatchResult(report, adapters)


class _Run:
    """One dispatch run's state: the facts loaded once, and the history as it grows."""

    def __init__(
        self,
        connection: Any,
        decisions: SqlGateDecisions,
        adapters: Mapping[Channel, ChannelAdapter],
        profiles: Mapping[str, Profile],
        guard: Guard,
        report: DispatchReport,
    ) -> None:
        self.connection, self.decisions, self.adapters = connection, decisions, adapters
        self.profiles, self.guard, self.report = profiles, guard, report
        self.now = report.at
        self.lines: list[str] = []

    def load(self, store: SqlDispatchStore, due: pl.DataFrame) -> None:
        self.report.due = due.height
        naive = self.now.replace(tzinfo=None)
        self.history = events_by_debtor(store.history(naive))
        self.holds: dict[str, list[tuple[str | None, str]]] = {}
        for debtor_id, account_id, hold_type in store.holds_in_force(naive).iter_rows():
            self.holds.setdefault(debtor_id, []).append((account_id, hold_type))
        phones = store.usable_self_phones()
        self.reachable = set(phones.filter(pl.col("usable_self_phones") > 0)["debtor_id"])

    def one(self, row: dict[str, Any]) -> None:
        if local_day(self.now, row["debtor_timezone"]) > self.report.business_date:
            self.report.expired += 1  # a day's plan is not carried into the next day
            return
        attempt, debtor = self._attempt(row), self._debtor(row)
        profile = self.profiles.get(row["jurisdiction"])
        if profile is None:
            self._record(row, attempt, "block", ["GATE-NO-PROFILE"], "gate_blocked", None)
            self._count_block(["GATE-NO-PROFILE"])
            return
        history = self.history.get(row["debtor_id"], [])
        decision = evaluate(attempt, history, debtor, profile, self.now)
        decision_id = self._store(row, attempt, history, debtor, profile, decision)
        if not decision.allowed:
            self._record(row, attempt, "block", decision.rules, "gate_blocked", decision_id)
            self._count_block(list(decision.rules))
            return
        self._send(row, attempt, debtor, decision, decision_id)

    def _send(
        self,
        row: dict[str, Any],
        attempt: Attempt,
        debtor: GateDebtor,
        decision: Decision,
        decision_id: str,
    ) -> None:
        message = self._message(row, attempt, debtor, decision_id)
        if message is None:
            return
        delivery = self.adapters[attempt.channel].send(message)  # checks the stored decision
        self._record(
            row,
            attempt,
            "allow",
            decision.rules,
            delivery.outcome,
            decision_id,
            connected=delivery.connected,
            conversation=delivery.conversation,
        )
        self.history.setdefault(row["debtor_id"], []).append(
            ContactEvent(
                at=self.now,
                channel=attempt.channel,
                contact_role=attempt.contact_role,
                connected=delivery.connected,
                conversation=delivery.conversation,
                debt_ids=attempt.debt_ids,
                contact_id=attempt.contact_id,
            )
        )
        self.report.sent += 1
        channel = attempt.channel.value
        self.report.sent_by_channel[channel] = self.report.sent_by_channel.get(channel, 0) + 1

    def _message(
        self, row: dict[str, Any], attempt: Attempt, debtor: GateDebtor, decision_id: str
    ) -> OutboundMessage | None:
        """The rendered, screened message; None (and the refusal recorded) when there is no
        template or adapter for it, or the content guard flags it."""
        lang = language_of(row["locale"])
        amount = Money(int(row["amount_due_minor"]), row["currency"])
        try:
            rendered = render(
                row["template"],
                lang,
                attempt.channel,
                name=row["name"],
                amount=amount,
                reference=row["account_id"],
            )
        except NotFound:
            rendered = None
        if rendered is None or attempt.channel not in self.adapters:
            self.report.not_sendable += 1
            self._record(row, attempt, "block", ["NOT-SENDABLE"], "not_sendable", decision_id)
            return None
        context = screening_context(attempt, debtor, amount.minor)
        texts = [text for text in (rendered.subject, rendered.text) if text]
        categories = sorted(
            {c for text in texts for c in self.guard.screen(text, lang, context).categories}
        )
        if categories:
            self.report.blocked_by_content += 1
            rules = [f"CONTENT-{category.upper()}" for category in categories]
            self._record(row, attempt, "block", rules, "content_blocked", decision_id)
            return None
        return OutboundMessage(
            action_id=row["action_id"],
            channel=attempt.channel,
            contact_id=row["contact_id"],
            address=row["address"],
            text=rendered.text,
            subject=rendered.subject,
            template=row["template"],
            lang=lang,
        )

    def _attempt(self, row: dict[str, Any]) -> Attempt:
        role = ContactRole(row["contact_role"])
        return Attempt(
            channel=Channel(row["channel"]),
            at=self.now,
            contact_role=role,
            template=row["template"],
            # Treatments for anyone but the debtor never disclose (the strategy loader refuses).
            discloses_debt=role is ContactRole.SELF,
            contact_timezone=row["contact_timezone"],
            contact_valid=bool(row["contact_valid"]),
            contact_consent=bool(row["contact_consent"]),
            contact_opted_out=opt_outs(row["contact_opted_out"]),
            contact_id=row["contact_id"],
            debt_ids=frozenset({row["account_id"]}),
        )

    def _debtor(self, row: dict[str, Any]) -> GateDebtor:
        holds = {
            hold_type
            for account_id, hold_type in self.holds.get(row["debtor_id"], [])
            if account_id is None or account_id == row["account_id"]
        }
        return GateDebtor(
            timezone=row["debtor_timezone"],
            hold_types=frozenset(holds),
            unreachable=row["debtor_id"] not in self.reachable,
        )

    def _store(
        self,
        row: dict[str, Any],
        attempt: Attempt,
        history: list[ContactEvent],
        debtor: GateDebtor,
        profile: Profile,
        decision: Decision,
    ) -> str:
        text = canonical_json(canonical_inputs(attempt, history, debtor, profile, self.now))
        digest = inputs_hash(text)
        decision_id = f"GD-{uuid.uuid4().hex[:20]}"
        found = decision.next_allowed_at
        self.decisions.add(
            GateDecisionRow(
                decision_id=decision_id,
                action_id=row["action_id"],
                debtor_id=row["debtor_id"],
                decided_at=self.now.replace(tzinfo=None),
                stage="dispatch",
                profile=profile.label,
                profile_hash=profile.fingerprint,
                gate_version=gate_version(profile),
                decision=decision.decision,
                rules=decision.rules,
                next_allowed_at=None if found is None else found.replace(tzinfo=None),
                inputs_hash=digest,
                inputs=text,
            )
        )
        self.lines.append(f"{decision_id}:{digest}:{decision.decision}")
        return decision_id

    def _record(
        self,
        row: dict[str, Any],
        attempt: Attempt,
        decision: str,
        rules: Any,
        outcome: str,
        decision_id: str | None,
        *,
        connected: bool | None = None,
        conversation: bool = False,
    ) -> None:
        record_attempt(
            self.connection,
            attempt_id=f"CA-{uuid.uuid4().hex[:20]}",
            action_id=row["action_id"],
            debtor_id=row["debtor_id"],
            contact_id=row["contact_id"],
            channel=attempt.channel.value,
            at=self.now.replace(tzinfo=None),
            decision=decision,
            rules=list(rules),
            outcome=outcome,
            contact_role=attempt.contact_role.value,
            direction="outbound",
            connected=connected,
            conversation=conversation,
            debt_ids=sorted(attempt.debt_ids),
            decision_id=decision_id,
        )

    def _count_block(self, rules: list[str]) -> None:
        self.report.blocked_by_gate += 1
        for rule in rules:
            self.report.blocked_by_rule[rule] = self.report.blocked_by_rule.get(rule, 0) + 1

    def digest(self) -> str:
        """sha256 over this run's decisions (id, inputs hash, decision), in order: the audit
        row carries it, so the hash chain also covers the stored decisions."""
        return hashlib.sha256("\n".join(self.lines).encode("utf-8")).hexdigest()
