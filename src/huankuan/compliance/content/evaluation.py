"""Per-category recall and false-positive rate of a guard on a labelled file.

Recall of a category: among texts labelled with it, the share the guard flags with it.
False-positive rate of a category: among lawful texts (no label), the share flagged with it.
The verdict-level rates use "any category" on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from huankuan.compliance.content.corpus import LabelledText
from huankuan.compliance.content.guard import ContentGuard
from huankuan.compliance.content.model import CATEGORIES, Category


@dataclass
class Rate:
    hits: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass
class LanguageReport:
    recall: dict[Category, Rate] = field(default_factory=lambda: {c: Rate() for c in CATEGORIES})
    false_positive: dict[Category, Rate] = field(
        default_factory=lambda: {c: Rate() for c in CATEGORIES}
    )
    verdict_recall: Rate = field(default_factory=Rate)
    verdict_false_positive: Rate = field(default_factory=Rate)
    misses: list[tuple[LabelledText, tuple[Category, ...]]] = field(default_factory=list)
    false_alarms: list[tuple[LabelledText, tuple[Category, ...]]] = field(default_factory=list)


def evaluate(guard: ContentGuard, examples: Iterable[LabelledText]) -> dict[str, LanguageReport]:
    reports: dict[str, LanguageReport] = {}
    for example in examples:
        report = reports.setdefault(example.lang, LanguageReport())
        found = guard.screen(example.text, example.lang, example.context or None).categories
        _count(report, example, found)
    return reports


def _count(report: LanguageReport, example: LabelledText, found: tuple[Category, ...]) -> None:
    if example.is_violation:
        report.verdict_recall.total += 1
        report.verdict_recall.hits += bool(found)
        for category in example.categories:
            report.recall[category].total += 1
            report.recall[category].hits += category in found
        if set(example.categories) - set(found):
            report.misses.append((example, found))
        return
    report.verdict_false_positive.total += 1
    report.verdict_false_positive.hits += bool(found)
    for category in CATEGORIES:
        report.false_positive[category].total += 1
        report.false_positive[category].hits += category in found
    if found:
        report.false_alarms.append((example, found))


def format_report(reports: dict[str, LanguageReport]) -> str:
    lines = []
    for lang, report in sorted(reports.items(), key=lambda item: item[0] != "zh"):
        lines.append(
            f"[{lang}] violations: {report.verdict_recall.total}, "
            f"lawful: {report.verdict_false_positive.total}"
        )
        lines.append(f"  {'category':<26}{'recall':>16}{'false-positive rate':>24}")
        for category in CATEGORIES:
            lines.append(
                f"  {category:<26}{_show(report.recall[category]):>16}"
                f"{_show(report.false_positive[category]):>24}"
            )
        lines.append(
            f"  {'any (verdict)':<26}{_show(report.verdict_recall):>16}"
            f"{_show(report.verdict_false_positive):>24}"
        )
    return "\n".join(lines)


def _show(rate: Rate) -> str:
    value = rate.value
    return "n/a" if value is None else f"{value:.3f} ({rate.hits}/{rate.total})"
