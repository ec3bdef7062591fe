"""The vocabulary of content screening: categories, hits, verdicts and the sender's context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from huankuan.domain.errors import InvalidInput

Category = Literal[
    "threat_violence",
    "profanity_insult",
    "impersonation_authority",
    "false_legal_consequence",
    "third_party_disclosure",
    "harassment",
    "deceptive_amount",
]
CATEGORIES: tuple[Category, ...] = (
    "threat_violence",
    "profanity_insult",
    "impersonation_authority",
    "false_legal_consequence",
    "third_party_disclosure",
    "harassment",
    "deceptive_amount",
)
Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
Verdict = Literal["ok", "violation"]

# Who receives the text. The debtor (`self`/`debtor`) and their attorney may hear about the debt;
# everyone else is a third party (DESIGN.md §5).
RECIPIENT_ROLES = ("self", "debtor", "attorney", "emergency_contact", "workplace", "third_party")
THIRD_PARTY_ROLES = frozenset({"emergency_contact", "workplace", "third_party"})


@dataclass(frozen=True, slots=True)
class Hit:
    """One reason a text was flagged: which rule (or the classifier), on which words, and why."""

    category: Category
    rule_id: str
    span: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Screening:
    """The verdict on one outgoing text. `categories` is sorted in the order of CATEGORIES."""

    verdict: Verdict
    categories: tuple[Category, ...]
    hits: tuple[Hit, ...] = field(default=())

    @classmethod
    def from_hits(cls, hits: list[Hit]) -> Screening:
        found = {hit.category for hit in hits}
        categories = tuple(category for category in CATEGORIES if category in found)
        return cls("violation" if hits else "ok", categories, tuple(hits))


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """Facts the text alone cannot tell. `None` means unknown; rules then assume the stricter case
    only where the lexicon says so (e.g. a "blacklist" claim is flagged unless reporting is known).

    Amounts are integer minor units of the account's currency (cents, fen)."""

    reports_to_bureau: bool | None = None
    time_barred: bool | None = None
    lawsuit_filed: bool | None = None
    sender_is_attorney: bool | None = None
    recipient_role: str | None = None
    contract_max_fee_minor: int | None = None
    amount_due_minor: int | None = None
    fee_cap_percent: float | None = None

    @property
    def to_third_party(self) -> bool:
        return self.recipient_role in THIRD_PARTY_ROLES

    def value(self, key: str) -> object:
        return getattr(self, key)

    @classmethod
    def parse(cls, raw: Mapping[str, object] | ScreeningContext | None) -> ScreeningContext:
        """Validate a JSON-like mapping. Unknown keys and wrong types are errors, not ignored."""
        if raw is None:
            return cls()
        if isinstance(raw, ScreeningContext):
            return raw
        if not isinstance(raw, Mapping):
            raise InvalidInput(f"context must be an object, got {type(raw).__name__}")
        unknown = sorted(set(raw) - set(CONTEXT_KEYS))
        if unknown:
            raise InvalidInput(
                f"unknown context key(s) {unknown}; accepted: {', '.join(CONTEXT_KEYS)}"
            )
        for key, value in raw.items():
            _check_context_value(key, value)
        values = {key: value for key, value in raw.items() if value is not None}
        if "fee_cap_percent" in values:
            values["fee_cap_percent"] = float(values["fee_cap_percent"])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]


CONTEXT_KEYS: tuple[str, ...] = (
    "reports_to_bureau",
    "time_barred",
    "lawsuit_filed",
    "sender_is_attorney",
    "recipient_role",
    "contract_max_fee_minor",
    "amount_due_minor",
    "fee_cap_percent",
)
_BOOL_KEYS = frozenset({"reports_to_bureau", "time_barred", "lawsuit_filed", "sender_is_attorney"})
_MINOR_KEYS = frozenset({"contract_max_fee_minor", "amount_due_minor"})


def _check_context_value(key: str, value: object) -> None:
    if value is None:
        return
    if key in _BOOL_KEYS and not isinstance(value, bool):
        raise InvalidInput(f"context.{key} must be true, false or null, got {value!r}")
    if key in _MINOR_KEYS and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidInput(f"context.{key} must be a non-negative integer (minor units)")
    if key == "fee_cap_percent" and (
        isinstance(value, bool) or not isinstance(value, int | float) or value < 0
    ):
        raise InvalidInput("context.fee_cap_percent must be a non-negative number")
    if key == "recipient_role" and value not in RECIPIENT_ROLES:
        raise InvalidInput(
            f"context.recipient_role must be one of {', '.join(RECIPIENT_ROLES)}, got {value!r}"
        )
