"""The content-guard seam of the robot: what the bot needs from a guard (the real one is
`huankuan.compliance.content`), and a memo of verdicts, since the robot's sentences repeat."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


class Verdict(Protocol):
    @property
    def verdict(self) -> str: ...  # "ok" | "violation"

    @property
    def categories(self) -> Sequence[str]: ...


class ContentGuard(Protocol):
    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class Screened:
    verdict: str
    categories: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


class MemoGuard:
    """Remembers the last `size` verdicts. The guard is pure (same text, language and context,
    same verdict), so a remembered verdict is the verdict."""

    def __init__(self, guard: ContentGuard, size: int = 20_000) -> None:
        self.guard = guard
        self.size = size
        self._verdicts: OrderedDict[tuple[object, ...], Screened] = OrderedDict()

    def screen(
        self, text: str, lang: str | None = None, context: Mapping[str, object] | None = None
    ) -> Screened:
        key = (text, lang, tuple(sorted((context or {}).items())))
        found = self._verdicts.get(key)
        if found is not None:
            self._verdicts.move_to_end(key)
            return found
        result = self.guard.screen(text, lang, context)
        screened = Screened(result.verdict, tuple(result.categories))
        self._verdicts[key] = screened
        if len(self._verdicts) > self.size:
            self._verdicts.popitem(last=False)
        return screened


def packaged_guard() -> ContentGuard:
    """The project's content guard (lexicon rules plus the trained classifier)."""
    from huankuan.compliance.content import default_guard

    return default_guard()
