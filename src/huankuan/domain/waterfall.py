"""Payment allocation by a configurable waterfall (default fees, penalty, interest, principal)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from huankuan.domain.errors import ConfigError

COMPONENTS: tuple[str, ...] = ("fees", "penalty", "interest", "principal")
DEFAULT_WATERFALL: tuple[str, ...] = COMPONENTS


def check_waterfall(order: Sequence[str]) -> tuple[str, ...]:
    if sorted(order) != sorted(COMPONENTS):
        raise ConfigError(
            "waterfall", None, "order", f"must list each of {', '.join(COMPONENTS)} once"
        )
    return tuple(order)


@dataclass(frozen=True, slots=True)
class Allocation:
    """How one payment was split; `unapplied` is what exceeded the whole balance."""

    parts: Mapping[str, int]
    unapplied: int

    @property
    def applied(self) -> int:
        return sum(self.parts.values())


def allocate(amount_minor: int, balances: Mapping[str, int], order: Sequence[str]) -> Allocation:
    """Split `amount_minor` over the balance components in `order`, never beyond a balance."""
    remaining = amount_minor
    parts: dict[str, int] = {}
    for component in order:
        take = min(remaining, max(balances.get(component, 0), 0))
        parts[component] = take
        remaining -= take
    return Allocation(parts=parts, unapplied=remaining)
