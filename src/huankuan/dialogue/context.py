"""What the robot knows about the account before it says a word: the account facts and the
negotiation limits it may offer within (DESIGN.md §5: limits come from policy data, never from
free text generation)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Literal, cast

from huankuan.domain.errors import InvalidInput
from huankuan.domain.model import Jurisdiction
from huankuan.domain.money import CURRENCY_EXPONENTS, Money, check_currency

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
PROFILES: tuple[str, ...] = tuple(profile.value for profile in Jurisdiction)


@dataclass(frozen=True, slots=True)
class NegotiationPolicy:
    """The lender's authority for this account. Every figure the robot offers is derived from
    these numbers; an offer outside them cannot be built."""

    max_promise_days: int = 7  # a promise's date is at most today + this
    min_promise_minor: int = 0  # absolute floor of a promise's amount
    min_promise_percent: Decimal = Decimal(20)  # floor as a share of the amount due
    plan_terms: tuple[int, ...] = (3, 6)  # instalment counts offered, in this order
    max_term: int = 6  # no plan has more instalments than this
    down_payment_percent: Decimal = Decimal(10)  # a plan's minimum down payment
    down_payment_days: int = 3  # the down payment is due within this many days
    max_discount_percent: Decimal = Decimal(0)  # discount authority
    settlement_discount_percent: Decimal = Decimal(0)  # offered on a one-off settlement
    hardship_hold_days: int = 30  # a hardship hold pauses collection this long

    def __post_init__(self) -> None:
        problems = _policy_problems(self)
        if problems:
            raise InvalidInput("negotiation policy: " + "; ".join(problems))

    def minimum_promise(self, amount_due: Money) -> Money:
        """The smallest promise the robot may accept (never more than the amount due)."""
        share = _ceil_share(amount_due.minor, self.min_promise_percent)
        return Money(min(amount_due.minor, max(self.min_promise_minor, share)), amount_due.currency)

    def settlement_discount(self, amount_due: Money) -> Money:
        """The discount of a one-off settlement, rounded down so it never exceeds the authority."""
        value = Decimal(amount_due.minor) * self.settlement_discount_percent / 100
        return Money(int(value.to_integral_value(ROUND_FLOOR)), amount_due.currency)

    def down_payment(self, amount_due: Money) -> Money:
        return Money(_ceil_share(amount_due.minor, self.down_payment_percent), amount_due.currency)


def _ceil_share(minor: int, percent: Decimal) -> int:
    return int((Decimal(minor) * percent / 100).to_integral_value(ROUND_CEILING))


def _policy_problems(policy: NegotiationPolicy) -> list[str]:
    problems = []
    if policy.max_promise_days < 0:
        problems.append("max_promise_days must be ≥ 0")
    if policy.min_promise_minor < 0:
        problems.append("min_promise_minor must be ≥ 0")
    if not 0 <= policy.down_payment_days <= policy.max_promise_days:
        problems.append("down_payment_days must be within 0..max_promise_days")
    if policy.max_term < 0 or any(term < 2 or term > policy.max_term for term in policy.plan_terms):
        problems.append(f"plan_terms {policy.plan_terms} must each be within 2..max_term")
    for name in ("min_promise_percent", "down_payment_percent", "max_discount_percent"):
        if not Decimal(0) <= getattr(policy, name) <= Decimal(100):
            problems.append(f"{name} must be within 0..100")
    if not Decimal(0) <= policy.settlement_discount_percent <= policy.max_discount_percent:
        problems.append("settlement_discount_percent must be within 0..max_discount_percent")
    if policy.hardship_hold_days < 0:
        problems.append("hardship_hold_days must be ≥ 0")
    return problems


@dataclass(frozen=True, slots=True)
class ConversationContext:
    """The account facts one conversation is about. Amounts are integer minor units."""

    debtor_name: str
    amount_due_minor: int
    currency: str
    due_date: date
    lender_name: str
    profile: str  # a jurisdiction profile: "CN-NIFA" | "US-RegF"
    lang: Lang
    today: date
    complaint_channel: str  # where a borrower can complain (a phone number, an address)
    policy: NegotiationPolicy = field(default_factory=NegotiationPolicy)
    reports_to_bureau: bool = False
    legal_action_possible: bool = False  # only when the lender really takes legal action
    agency_name: str | None = None  # the collection agency, when not the lender itself
    robot_id: str = "AI-001"
    account_id: str | None = None
    contact_point_id: str | None = None

    def __post_init__(self) -> None:
        check_currency(self.currency)
        if isinstance(self.amount_due_minor, bool) or not isinstance(self.amount_due_minor, int):
            raise InvalidInput("amount_due_minor must be an integer number of minor units")
        if self.amount_due_minor <= 0:
            raise InvalidInput("amount_due_minor must be positive: nothing is due otherwise")
        if self.profile not in PROFILES:
            raise InvalidInput(
                f"profile must be one of {', '.join(PROFILES)}, got {self.profile!r}"
            )
        if self.lang not in LANGS:
            raise InvalidInput(f"lang must be one of {', '.join(LANGS)}, got {self.lang!r}")
        if not all(
            text.strip()
            for text in (self.debtor_name, self.lender_name, self.complaint_channel, self.robot_id)
        ):
            raise InvalidInput(
                "debtor_name, lender_name, complaint_channel and robot_id are required"
            )

    @property
    def amount_due(self) -> Money:
        return Money(self.amount_due_minor, self.currency)

    @property
    def collector_name(self) -> str:
        return self.agency_name or self.lender_name

    @property
    def minor_per_major(self) -> int:
        return int(10 ** CURRENCY_EXPONENTS[self.currency])

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (dates ISO, percents as strings) for the conversation_started event."""
        raw = {name: getattr(self, name) for name in self.__dataclass_fields__}
        raw["due_date"], raw["today"] = self.due_date.isoformat(), self.today.isoformat()
        raw["policy"] = {
            name: (
                str(value)
                if isinstance(value, Decimal)
                else list(value)
                if isinstance(value, tuple)
                else value
            )
            for name in self.policy.__dataclass_fields__
            for value in [getattr(self.policy, name)]
        }
        return raw

    @classmethod
    def from_json(cls, raw: Mapping[str, object]) -> ConversationContext:
        values = dict(raw)
        policy = dict(cast(Mapping[str, object], values.pop("policy")))
        for name, kind in _POLICY_TYPES.items():
            if name in policy:
                policy[name] = kind(policy[name])
        values["due_date"] = date.fromisoformat(str(values["due_date"]))
        values["today"] = date.fromisoformat(str(values["today"]))
        return cls(policy=NegotiationPolicy(**policy), **values)  # type: ignore[arg-type]


_POLICY_TYPES: dict[str, Callable[[Any], object]] = {
    "min_promise_percent": Decimal,
    "down_payment_percent": Decimal,
    "max_discount_percent": Decimal,
    "settlement_discount_percent": Decimal,
    "plan_terms": tuple,
}
