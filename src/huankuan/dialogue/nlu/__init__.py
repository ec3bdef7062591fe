"""Borrower-utterance understanding (DESIGN.md §4.3): intents, amounts and dates, zh and en.

The public API is `NluPipeline.load()` and `NluPipeline.parse(...) -> Parse`."""

from huankuan.dialogue.nlu.intents import INTENTS
from huankuan.dialogue.nlu.pipeline import NluPipeline, Parse

__all__ = ["INTENTS", "NluPipeline", "Parse"]
