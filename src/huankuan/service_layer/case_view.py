"""What a person sees of a case: the debtor (personal data masked unless revealed, and every
reveal audited), the accounts with their exact balances, the timeline, the holds in force and
the gate's verdict on calling the debtor now. Reads are authorized like actions: an agent sees
only the cases assigned to them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from huankuan.adapters.storage.repositories import from_db_time
from huankuan.adapters.storage.workbench_store import Row, SqlWorkbenchStore
from huankuan.domain import commands
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import InvalidInput
from huankuan.domain.masking import mask_contact, mask_name, mask_national_id
from huankuan.domain.model import Channel
from huankuan.domain.money import Money
from huankuan.domain.users import Principal
from huankuan.service_layer.access import authorize_case
from huankuan.service_layer.agent_agreements import NegotiationLimits, negotiation_limits
from huankuan.service_layer.case_timeline import TimelineEntry, case_timeline
from huankuan.service_layer.unit_of_work import SqlUnitOfWork
from huankuan.service_layer.workbench_gate import CaseRules, Contact, pick_contact, preview

MAX_CASES = 500


@dataclass(frozen=True, slots=True)
class ContactView:
    contact_id: str
    kind: str
    role: str
    value: str  # masked unless revealed
    valid: bool
    consent: bool
    opted_out: str
    invalid_reason: str | None


@dataclass(frozen=True, slots=True)
class DebtorView:
    debtor_id: str
    name: str
    national_id: str
    date_of_birth: str | None
    timezone: str
    locale: str
    jurisdiction: str
    contacts: list[ContactView]
    masked: bool


@dataclass(frozen=True, slots=True)
class AccountView:
    """Balances by component in exact minor units: the latest cycle's when the account has
    been through one (`from_cycle`), else the imported ones."""

    account_id: str
    case_id: str
    debtor_id: str
    product: str
    currency: str
    principal: Money
    interest: Money
    penalty: Money
    fees: Money
    paid_to_date: Money
    instalment: Money
    from_cycle: bool
    as_of: date
    days_past_due: int | None
    bucket: str | None
    segment: str | None
    oldest_unpaid_due_on: date | None
    opened_on: date
    first_due_on: date
    timezone: str

    @property
    def total(self) -> Money:
        return self.principal + self.interest + self.penalty + self.fees


@dataclass(frozen=True, slots=True)
class HoldView:
    hold_id: str
    hold_type: str
    account_id: str | None
    reason: str
    starts_at: datetime
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class CallVerdict:
    """The gate's verdict now on an agent calling the debtor about one account."""

    account_id: str
    contact_id: str | None
    contact: str  # masked
    allowed: bool
    rules: tuple[str, ...]
    next_allowed_at: datetime | None
    explanation: str


@dataclass(frozen=True, slots=True)
class CaseView:
    case_id: str
    status: str
    assigned_to: str | None
    at: datetime
    debtor: DebtorView
    accounts: list[AccountView]
    holds: list[HoldView]  # in force now
    verdicts: list[CallVerdict]
    limits: list[NegotiationLimits] = field(default_factory=list)  # accounts with money due
    timeline: list[TimelineEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CaseSummary:
    case_id: str
    debtor_id: str
    debtor_name: str  # masked
    jurisdiction: str
    assigned_to: str | None
    status: str
    account_count: int


def list_cases(
    *,
    uow: SqlUnitOfWork,
    principal: Principal,
    limit: int = 100,
    offset: int = 0,
    assigned_to: str | None = None,
) -> list[CaseSummary]:
    """An agent's own cases; every role that sees every case may filter by assignee."""
    if not 1 <= limit <= MAX_CASES or offset < 0:
        raise InvalidInput(f"limit must be within 1..{MAX_CASES} and offset ≥ 0")
    owner = assigned_to if principal.sees_every_case() else principal.username
    with uow:
        rows = SqlWorkbenchStore(uow.connection).cases(owner, limit, offset)
    return [
        CaseSummary(
            case_id=row["case_id"],
            debtor_id=row["debtor_id"],
            debtor_name=mask_name(row["debtor_name"]),
            jurisdiction=row["jurisdiction"],
            assigned_to=row["assigned_to"],
            status=row["status"],
            account_count=int(row["account_count"]),
        )
        for row in rows
    ]


def case_view(
    case_id: str, *, uow: SqlUnitOfWork, principal: Principal | None, rules: CaseRules
) -> CaseView:
    """The whole case as the principal may see it, personal data masked."""
    now = uow.clock.now().astimezone(UTC)
    with uow:
        store = SqlWorkbenchStore(uow.connection)
        case = store.case(case_id)
        authorize_case(principal, case["assigned_to"], act=False)
        debtor = store.debtor(case["debtor_id"])
        points = store.contact_points(case["debtor_id"])
        accounts = [_account(row, case_id) for row in store.accounts(case["debtor_id"])]
        scrub = _scrubber(debtor, points)
        facts = [uow.robot_reads.account_facts(a.account_id, now) for a in accounts]
        limits = [negotiation_limits(found, rules, now) for found in facts]
        return CaseView(
            case_id=case_id,
            status=case["status"],
            assigned_to=case["assigned_to"],
            at=now,
            debtor=_debtor(debtor, points, masked=True),
            accounts=accounts,
            holds=[h for row in store.holds(case["debtor_id"]) if (h := _active(row, now))],
            verdicts=[_verdict(uow, rules, found, now) for found in facts],
            limits=[found for found in limits if found is not None],
            timeline=case_timeline(uow, case, [a.account_id for a in accounts], scrub),
        )


def account_view(
    account_id: str, *, uow: SqlUnitOfWork, principal: Principal | None
) -> AccountView:
    with uow:
        store = SqlWorkbenchStore(uow.connection)
        case = store.case_of_account(account_id)
        authorize_case(principal, case["assigned_to"], act=False)
        rows = store.accounts(case["debtor_id"])
    return next(_account(row, case["case_id"]) for row in rows if row["account_id"] == account_id)


def reveal_personal_data(
    cmd: commands.RevealPersonalData, *, uow: SqlUnitOfWork, principal: Principal | None
) -> DebtorView:
    """The debtor's personal data in clear. Whoever may see the case may reveal it, and the
    audit log names who did, on which case, which fields and why."""
    with uow:
        store = SqlWorkbenchStore(uow.connection)
        case = store.case(cmd.case_id)
        authorize_case(principal, case["assigned_to"], act=False)
        debtor = store.debtor(case["debtor_id"])
        points = store.contact_points(case["debtor_id"])
        uow.audit.record(
            actor=cmd.actor,
            action="personal_data.revealed",
            entity_type="debtor",
            entity_id=case["debtor_id"],
            details={
                "case_id": cmd.case_id,
                "fields": ["name", "national_id", "date_of_birth", "contact_points"],
                "contact_ids": [point["contact_id"] for point in points],
                "reason": cmd.reason.strip(),
            },
        )
        uow.commit()
    return _debtor(debtor, points, masked=False)


def _debtor(row: Row, points: list[Row], *, masked: bool) -> DebtorView:
    birth = row["date_of_birth"]
    shown_birth = None if birth is None else birth.isoformat()
    if masked and shown_birth is not None:
        shown_birth = shown_birth[:4] + "-**-**"
    return DebtorView(
        debtor_id=row["debtor_id"],
        name=mask_name(row["name"]) if masked else row["name"],
        national_id=mask_national_id(row["national_id"]) if masked else row["national_id"],
        date_of_birth=shown_birth,
        timezone=row["timezone"],
        locale=row["locale"],
        jurisdiction=row["jurisdiction"],
        contacts=[_contact(point, masked=masked) for point in points],
        masked=masked,
    )


def _contact(row: Row, *, masked: bool) -> ContactView:
    return ContactView(
        contact_id=row["contact_id"],
        kind=row["kind"],
        role=row["role"],
        value=mask_contact(row["kind"], row["value"]) if masked else row["value"],
        valid=bool(row["valid"]),
        consent=bool(row["consent"]),
        opted_out=row["opted_out"] or "",
        invalid_reason=row["invalid_reason"],
    )


def _scrubber(debtor: Row, points: list[Row]) -> Callable[[str], str]:
    """Masks the debtor's name, national id and contact values where free text repeats them
    (a rendered SMS greets the debtor by name; a note may quote a number)."""
    clear = [
        (debtor["name"], mask_name(debtor["name"])),
        (debtor["national_id"], mask_national_id(debtor["national_id"])),
        *((p["value"], mask_contact(p["kind"], p["value"])) for p in points),
    ]
    pairs = sorted(((c, m) for c, m in clear if c and len(c) > 1), key=lambda p: -len(p[0]))

    def scrub(text: str) -> str:
        for value, masked in pairs:
            text = text.replace(value, masked)
        return text

    return scrub


def _account(row: Row, case_id: str) -> AccountView:
    currency = row["currency"]
    from_cycle = row["state_business_date"] is not None
    prefix = "state_" if from_cycle else ""

    def money(name: str) -> Money:
        return Money(int(row[prefix + name]), currency)

    return AccountView(
        account_id=row["account_id"],
        case_id=case_id,
        debtor_id=row["debtor_id"],
        product=row["product"],
        currency=currency,
        principal=money("principal_minor"),
        interest=money("interest_minor"),
        penalty=money("penalty_minor"),
        fees=money("fees_minor"),
        paid_to_date=Money(int(row["paid_to_date_minor"]), currency),
        instalment=Money(int(row["instalment_minor"]), currency),
        from_cycle=from_cycle,
        as_of=row["state_business_date"] if from_cycle else row["balance_as_of"],
        days_past_due=row["days_past_due"],
        bucket=row["bucket"],
        segment=row["segment"],
        oldest_unpaid_due_on=row["oldest_unpaid_due_on"],
        opened_on=row["opened_on"],
        first_due_on=row["first_due_on"],
        timezone=row["timezone"],
    )


def _active(row: Row, now: datetime) -> HoldView | None:
    starts, ends = from_db_time(row["starts_at"]), from_db_time(row["ends_at"])
    assert starts is not None
    if starts > now or (ends is not None and ends <= now):
        return None
    return HoldView(
        row["hold_id"], row["hold_type"], row["account_id"], row["reason"], starts, ends
    )


def _verdict(
    uow: SqlUnitOfWork, rules: CaseRules, facts: AccountFacts, now: datetime
) -> CallVerdict:
    account_id = facts.account_id
    try:
        point = pick_contact(facts, Channel.AGENT_CALL, None)
    except InvalidInput as error:
        return CallVerdict(account_id, None, "", False, ("NO-PHONE",), None, str(error))
    contact = Contact(facts, point, Channel.AGENT_CALL, f"PREVIEW-{account_id}", now)
    decision = preview(uow, contact, rules.profile(facts.jurisdiction))
    return CallVerdict(
        account_id=account_id,
        contact_id=point.contact_id,
        contact=mask_contact(point.kind.value, point.value),
        allowed=decision.allowed,
        rules=tuple(decision.rules),
        next_allowed_at=decision.next_allowed_at,
        explanation=decision.explanation,
    )
