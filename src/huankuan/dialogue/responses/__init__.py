"""The robot's sentences in Chinese and English (zh.yaml, en.yaml) and how amounts and dates are
rendered into them."""

from huankuan.dialogue.responses.catalog import (
    PLACEHOLDERS,
    Responses,
    packaged_responses,
    parity_problems,
)
from huankuan.dialogue.responses.formatting import format_date, format_money

__all__ = [
    "PLACEHOLDERS",
    "Responses",
    "format_date",
    "format_money",
    "packaged_responses",
    "parity_problems",
]
