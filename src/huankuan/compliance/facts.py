"""What the gate decides on: one contact attempt, the contacts before it, the debtor's state,
and the decision.

The scalar types are the reference; the batch gate takes the same facts as frame columns
(`ACTION_SCHEMA`, `HISTORY_SCHEMA`) and must decide every row exactly as `engine.evaluate`
would.

Who is "the same person": every contact point of the debtor's own is the debtor (`self`);
anyone else is their contact point id, or, when no id is known (the JSON Lines contract), their
role. "The same number" is the contact point id, or the person when no id is known. A contact
with no debt ids concerns every debt of the debtor, and an attempt with none is judged against
every debt (the conservative reading of "per debt").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

import polars as pl

from huankuan.domain.errors import InvalidInput
from huankuan.domain.model import Channel, ContactRole

DecisionValue = Literal["allow", "block"]
Direction = Literal["outbound", "inbound"]
# What an attempt is for. `location`: only to ask for the debtor's location or contact details
# (15 U.S.C. 1692b; NIFA: an emergency contact is asked only how to reach the debtor). The three
# notices a written cease request still permits (15 U.S.C. 1692c(c)(1)-(3)): that collection
# efforts end, that the collector may invoke a remedy it ordinarily invokes, and that it
# intends to invoke a specified remedy.
Purpose = Literal[
    "collection", "location", "notice_termination", "notice_remedy", "notice_specific_remedy"
]
PURPOSES: tuple[str, ...] = get_args(Purpose)
CALL_CHANNELS = frozenset({Channel.ROBOT_CALL, Channel.AGENT_CALL})
# The debtor and those who stand for them; everyone else is a third party.
DEBTOR_SIDE = frozenset({ContactRole.SELF, ContactRole.ATTORNEY, ContactRole.ESTATE_REPRESENTATIVE})
# Debtor facts that are not holds: the debt is past the statute of limitations (contact is
# allowed; a threat of suit is the content guard's business), or the debtor disputed orally
# (which, unlike a written dispute, does not stop collection).
STATUS_FLAGS = frozenset({"time_barred", "disputed_oral"})
SELF_PERSON = "self"


def person_key(role: ContactRole, contact_id: str | None) -> str:
    return SELF_PERSON if role is ContactRole.SELF else (contact_id or role.value)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One planned or immediate contact on one channel to one contact point."""

    channel: Channel
    at: datetime | None = None  # aware; None = now
    contact_role: ContactRole = ContactRole.SELF
    template: str = ""
    discloses_debt: bool = True
    contact_timezone: str | None = None  # the contact point's own zone, when it has one
    contact_valid: bool = True
    contact_consent: bool = True
    contact_opted_out: frozenset[str] = frozenset()  # channel names (and "call" for both calls)
    contact_id: str | None = None
    debt_ids: frozenset[str] = frozenset()  # empty: judged against every debt
    purpose: Purpose = "collection"
    contact_refused: bool = False  # the person contacted asked not to be contacted

    @property
    def person(self) -> str:
        return person_key(self.contact_role, self.contact_id)

    @property
    def number(self) -> str:
        return self.contact_id or self.person


@dataclass(frozen=True, slots=True)
class ContactEvent:
    """One earlier contact with the debtor or someone about them (the history)."""

    at: datetime  # aware
    channel: Channel
    contact_role: ContactRole = ContactRole.SELF
    connected: bool = True  # False: busy, not in service; a call that rang out is connected
    conversation: bool = False  # someone spoke with the person (a telephone conversation)
    direction: Direction = "outbound"
    debt_ids: frozenset[str] = frozenset()  # empty: about every debt
    contact_id: str | None = None

    def __post_init__(self) -> None:
        if self.conversation and not self.connected:
            raise InvalidInput("a contact that did not connect cannot have had a conversation")

    @property
    def is_call(self) -> bool:
        return self.channel in CALL_CHANNELS

    @property
    def person(self) -> str:
        return person_key(self.contact_role, self.contact_id)

    @property
    def number(self) -> str:
        return self.contact_id or self.person

    def concerns(self, debt_id: str | None) -> bool:
        return debt_id is None or not self.debt_ids or debt_id in self.debt_ids


@dataclass(frozen=True, slots=True)
class GateDebtor:
    """The debtor-side facts the gate needs: where they are and which holds are active."""

    timezone: str
    hold_types: frozenset[str] = frozenset()
    unreachable: bool = False  # no usable (valid, consented) phone of their own
    flags: frozenset[str] = frozenset()  # STATUS_FLAGS
    timezones: tuple[str, ...] = ()  # other candidate zones when the location is uncertain

    def __post_init__(self) -> None:
        unknown = sorted(self.flags - STATUS_FLAGS)
        if unknown:
            raise InvalidInput(f"unknown debtor flag(s) {unknown}")

    @property
    def candidate_zones(self) -> tuple[str, ...]:
        """The debtor's zone first, then the other candidates (each once)."""
        zones = [self.timezone]
        zones.extend(zone for zone in self.timezones if zone not in zones)
        return tuple(zones)


@dataclass(frozen=True, slots=True)
class Decision:
    decision: DecisionValue
    rules: tuple[str, ...]  # blocking rules when blocked, else the rules that applied
    explanation: str
    next_allowed_at: datetime | None = None  # aware UTC; None when waiting would not help
    gate_version: str = ""  # engine and profile version, as stored on plan rows

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"


# Columns of the batch gate's input frame (one row per planned action).
ACTION_SCHEMA: dict[str, pl.DataType] = {
    "action_id": pl.String(),
    "jurisdiction": pl.String(),
    "debtor_id": pl.String(),  # joins the history
    "account_id": pl.String(),  # the debt the action is about (null: every debt)
    "contact_id": pl.String(),
    "debtor_timezone": pl.String(),
    "contact_timezone": pl.String(),  # null = same as the debtor's
    "scheduled_at": pl.Datetime("us"),  # naive UTC
    "channel": pl.String(),
    "contact_role": pl.String(),
    "template": pl.String(),
    "discloses_debt": pl.Boolean(),
    "contact_valid": pl.Boolean(),
    "contact_consent": pl.Boolean(),
    "contact_opted_out": pl.String(),  # ';'-joined, as stored
    "hold_types": pl.List(pl.String()),
    "debtor_unreachable": pl.Boolean(),
}
# Optional columns of the plan frame and the value a missing column stands for.
OPTIONAL_ACTION_COLUMNS: dict[str, tuple[pl.DataType, object]] = {
    "purpose": (pl.String(), "collection"),
    "contact_refused": (pl.Boolean(), False),
}
# The history frame: earlier contacts, one row each (as loaded from contact_attempts).
HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "debtor_id": pl.String(),
    "contact_id": pl.String(),
    "contact_role": pl.String(),
    "at": pl.Datetime("us"),  # naive UTC
    "channel": pl.String(),
    "direction": pl.String(),
    "connected": pl.Boolean(),
    "conversation": pl.Boolean(),
    "debt_ids": pl.List(pl.String()),  # empty: every debt
}


def screening_context(
    attempt: Attempt, debtor: GateDebtor, amount_due_minor: int | None = None
) -> dict[str, object]:
    """What the content guard should know about an attempt's text: who hears it (the estate's
    representative stands for the debtor), whether the debt is time-barred (a threat of suit
    then is a false legal consequence), and the amount really due."""
    role = attempt.contact_role
    recipient = "debtor" if role is ContactRole.ESTATE_REPRESENTATIVE else role.value
    return {
        "recipient_role": recipient,
        "time_barred": "time_barred" in debtor.flags or None,
        "amount_due_minor": amount_due_minor,
    }
