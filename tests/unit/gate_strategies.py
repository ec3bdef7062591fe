"""Hypothesis strategies for the gate's tests: debtors, attempts and histories whose counts
reach the caps (mostly the debtor, mostly calls, bursts of calls in the days before)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from huankuan.compliance.facts import Attempt, ContactEvent, GateDebtor
from huankuan.domain.model import Channel, ContactRole, HoldType
from tests.unit.gate_support import PROFILES, local

ZONES = ["America/New_York", "America/Phoenix", "Pacific/Honolulu", "Asia/Shanghai", "Mars/Olympus"]
CONTACTS = {
    ContactRole.SELF: ["C1", "C2"],
    ContactRole.EMERGENCY_CONTACT: ["K1", "K2"],
    ContactRole.WORKPLACE: ["W1"],
    ContactRole.THIRD_PARTY: ["T1"],
    ContactRole.ATTORNEY: ["L1"],
    ContactRole.ESTATE_REPRESENTATIVE: ["E1"],
}
ROLES = list(CONTACTS)


@st.composite
def contact_points(draw: st.DrawFn) -> tuple[ContactRole, str]:
    # Mostly the debtor, so that the counts reach the caps.
    role = draw(st.sampled_from([ContactRole.SELF] * 4 + ROLES))
    return role, draw(st.sampled_from(CONTACTS[role]))


@st.composite
def events(draw: st.DrawFn, around: datetime) -> ContactEvent:
    role, contact_id = draw(contact_points())
    days = draw(st.sampled_from([0, 0, 0, -1, -2, -6, -7, -8, 1]))
    minutes = draw(st.integers(-720, 720))
    calls = [Channel.ROBOT_CALL, Channel.AGENT_CALL]
    return ContactEvent(
        at=around + timedelta(days=days, minutes=minutes),
        channel=draw(st.sampled_from([*calls, *calls, *calls, *Channel])),
        contact_role=role,
        connected=(connected := draw(st.booleans())),
        conversation=connected and draw(st.booleans()),
        direction=draw(st.sampled_from(["outbound", "outbound", "inbound"])),
        debt_ids=frozenset(draw(st.sets(st.sampled_from(["A0", "A1"]), max_size=2))),
        contact_id=contact_id,
    )


@st.composite
def bursts(draw: st.DrawFn, around: datetime) -> list[ContactEvent]:
    """Calls to the debtor in the days before: enough of them to reach the caps."""
    count = draw(st.integers(0, 12))
    spread = draw(st.sampled_from([6 * 60, 2 * 1440, 7 * 1440]))
    return [
        ContactEvent(
            at=around - timedelta(minutes=draw(st.integers(0, spread))),
            channel=draw(st.sampled_from([Channel.ROBOT_CALL, Channel.AGENT_CALL, Channel.SMS])),
            connected=(connected := draw(st.sampled_from([True, True, True, False]))),
            conversation=connected and draw(st.sampled_from([False] * 7 + [True])),
            debt_ids=frozenset(draw(st.sampled_from([(), ("A0",), ("A1",), ("A0", "A1")]))),
            contact_id=draw(st.sampled_from(["C1", "C1", "C2"])),
        )
        for _ in range(count)
    ]


@st.composite
def cases(draw: st.DrawFn) -> dict[str, object]:
    zone = draw(st.sampled_from(ZONES))
    day = draw(
        st.dates(min_value=datetime(2026, 1, 1).date(), max_value=datetime(2027, 12, 31).date())
    )
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(0, 1439))
    )
    role, contact_id = draw(contact_points())
    holds = [hold.value for hold in HoldType]
    return {
        "jurisdiction": draw(st.sampled_from(sorted(PROFILES))),
        "debtor": GateDebtor(
            timezone=zone,
            hold_types=frozenset(draw(st.sampled_from([(), (), (), *[(h,) for h in holds]]))),
            unreachable=draw(st.booleans()),
        ),
        "attempt": Attempt(
            channel=draw(st.sampled_from([Channel.ROBOT_CALL, Channel.AGENT_CALL, *Channel])),
            at=at,
            contact_role=role,
            template=draw(st.sampled_from(["location_inquiry", "reminder_due"])),
            discloses_debt=draw(st.booleans()),
            contact_id=contact_id,
            debt_ids=frozenset(draw(st.sampled_from([(), ("A0",)]))),
            purpose=draw(st.sampled_from(["collection", "location", "notice_termination"])),
            contact_refused=draw(st.sampled_from([False] * 9 + [True])),
        ),
        "history": draw(st.lists(events(at), max_size=12)) + draw(bursts(at)),
    }


@st.composite
def call_heavy_cases(draw: st.DrawFn) -> dict[str, object]:
    """Calls to the debtor only, many of them: the caps and their next_allowed_at."""
    zone = draw(st.sampled_from(ZONES[:4]))
    at = local(zone, 2026, 3, draw(st.integers(1, 14)), draw(st.integers(0, 23)), 30)
    spread = draw(st.sampled_from([6 * 60, 8 * 1440]))
    calls = [
        ContactEvent(
            at=at - timedelta(minutes=draw(st.integers(-600, spread))),
            channel=Channel.AGENT_CALL,
            connected=(connected := draw(st.sampled_from([True, True, False]))),
            conversation=connected and draw(st.sampled_from([False] * 12 + [True])),
            direction=draw(st.sampled_from(["outbound"] * 8 + ["inbound"])),
            debt_ids=frozenset(draw(st.sampled_from([(), ("A0",), ("A1",)]))),
            contact_id=draw(st.sampled_from(["C1", "C2"])),
        )
        for _ in range(draw(st.integers(5, 16)))
    ]
    return {
        "jurisdiction": draw(st.sampled_from(sorted(PROFILES))),
        "debtor": GateDebtor(timezone=zone),
        "attempt": Attempt(
            Channel.ROBOT_CALL,
            at,
            contact_id="C1",
            debt_ids=frozenset(draw(st.sampled_from([(), ("A0",)]))),
        ),
        "history": calls,
    }
