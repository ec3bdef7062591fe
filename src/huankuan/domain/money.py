"""Exact money: integer minor units plus an ISO 4217 currency code."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from huankuan.domain.errors import InvalidMoney

# Minor-unit exponents of the currencies we accept. Unknown codes are an error, not a guess.
CURRENCY_EXPONENTS: dict[str, int] = {
    "CNY": 2,
    "USD": 2,
    "HKD": 2,
    "EUR": 2,
    "GBP": 2,
    "SGD": 2,
    "CAD": 2,
    "AUD": 2,
    "JPY": 0,
    "KRW": 0,
}


def check_currency(code: str) -> str:
    if code not in CURRENCY_EXPONENTS:
        raise InvalidMoney(f"unknown currency {code!r}; accepted: {', '.join(CURRENCY_EXPONENTS)}")
    return code


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An exact amount. Arithmetic is only defined between equal currencies."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise InvalidMoney(
                f"money must be an integer number of minor units, got {self.minor!r}"
            )
        check_currency(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def from_major(cls, amount: Decimal | str | int, currency: str) -> Money:
        exponent = CURRENCY_EXPONENTS[check_currency(currency)]
        scaled = Decimal(amount) * (Decimal(10) ** exponent)
        if scaled != scaled.to_integral_value():
            raise InvalidMoney(f"{amount} {currency} has more than {exponent} decimal places")
        return cls(int(scaled), currency)

    @property
    def major(self) -> Decimal:
        return Decimal(self.minor).scaleb(-CURRENCY_EXPONENTS[self.currency])

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidMoney(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def is_zero(self) -> bool:
        return self.minor == 0

    def __str__(self) -> str:
        return f"{self.major:.{CURRENCY_EXPONENTS[self.currency]}f} {self.currency}"
