"""Semantic checks of a strategy's optional sections, each error naming file, line and field."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING

from huankuan.domain.errors import ConfigError
from huankuan.domain.model import ContactRole
from huankuan.strategy.extensions import Range
from huankuan.yaml_schema import YamlDocument

if TYPE_CHECKING:
    from huankuan.strategy.loader import Strategy, Treatment

PathKey = tuple[str | int, ...]


def check_extensions(document: YamlDocument, strategy: Strategy) -> None:
    for where, treatment in _all_treatments(strategy):
        _check_window(document, where, treatment)
    for name, treatments in strategy.paths.items():
        for index, treatment in enumerate(treatments):
            if treatment.contact_role is not ContactRole.SELF and treatment.disclosure:
                raise document.error(
                    ("paths", name, index, "discloses_debt"),
                    "a treatment for anyone but the debtor must not disclose the debt",
                )
            if treatment.only_if is not None:
                raise document.error(
                    ("paths", name, index, "only_if"),
                    "paths are chosen by rules: put the condition in the rule's `when`",
                )
    _check_rules(document, strategy)
    if strategy.experiment is not None:
        check_experiment(document, strategy)


def _all_treatments(strategy: Strategy) -> Iterator[tuple[PathKey, Treatment]]:
    for bucket, by_segment in strategy.treatments.items():
        for segment, treatments in by_segment.items():
            for index, treatment in enumerate(treatments):
                yield ("treatments", bucket, segment, index), treatment
    for name, treatments in strategy.paths.items():
        for index, treatment in enumerate(treatments):
            yield ("paths", name, index), treatment


def _check_window(document: YamlDocument, where: PathKey, treatment: Treatment) -> None:
    until = treatment.until
    if until is not None and until < treatment.send_at:
        raise document.error((*where, "until"), "the window must end at or after send_at")
    if treatment.retries == 0:
        return
    if until is None:
        raise document.error(
            (*where, "retries"), "retries need a timing window: give `until` (HH:MM)"
        )
    times = treatment.send_times()
    last = times[-1]
    if last < treatment.send_at or last > until:
        raise document.error(
            (*where, "retries"),
            f"{treatment.retries} retries every {treatment.retry_every_minutes} minutes end at "
            f"{_clock(last)}, after the window closes at {_clock(until)}",
        )


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def _check_rules(document: YamlDocument, strategy: Strategy) -> None:
    buckets = {band.name for band in strategy.buckets}
    segments = {segment.name for segment in strategy.segments}
    seen: dict[str, int] = {}
    for index, rule in enumerate(strategy.rules):
        where: PathKey = ("rules", index)
        if rule.name in seen:
            raise document.error((*where, "name"), f"duplicate rule name {rule.name!r}")
        seen[rule.name] = index
        if rule.path not in strategy.paths:
            known = ", ".join(sorted(strategy.paths)) or "none are defined"
            raise document.error((*where, "path"), f"unknown path {rule.path!r} (paths: {known})")
        _known(document, (*where, "when", "buckets"), rule.when.buckets, buckets, "bucket")
        _known(document, (*where, "when", "segments"), rule.when.segments, segments, "segment")
        for field in ("score", "balance"):
            _check_range(document, (*where, "when", field), getattr(rule.when, field))
        if "none" in rule.when.holds and len(rule.when.holds) > 1:
            raise document.error(
                (*where, "when", "holds"), "`none` (no hold) cannot be combined with hold types"
            )
    used = {rule.path for rule in strategy.rules}
    for name in strategy.paths:
        if name not in used:
            raise document.error(("paths", name), f"path {name!r} is not used by any rule")


def _known(
    document: YamlDocument, where: PathKey, names: tuple[str, ...], known: set[str], what: str
) -> None:
    for position, name in enumerate(names):
        if name not in known:
            raise document.error(
                (*where, position), f"unknown {what} {name!r}; known: {', '.join(sorted(known))}"
            )


def _check_range(document: YamlDocument, where: PathKey, bounds: Range | None) -> None:
    if bounds is None:
        return
    if bounds.min is None and bounds.max is None:
        raise document.error(where, "give min, max or both")
    if bounds.min is not None and bounds.max is not None and bounds.min > bounds.max:
        raise document.error((*where, "max"), "max must be at least min")


def check_experiment(document: YamlDocument, strategy: Strategy) -> None:
    """Challengers load, share the champion's buckets and segments, and leave it traffic."""
    from huankuan.strategy.loader import load_strategy

    assert strategy.experiment is not None
    total, arms = 0.0, set()
    for index, challenger in enumerate(strategy.experiment.challengers):
        where: PathKey = ("experiment", "challengers", index)
        if challenger.arm == "champion" or challenger.arm in arms:
            raise document.error((*where, "arm"), f"arm name {challenger.arm!r} is taken")
        arms.add(challenger.arm)
        total += challenger.share
        path = challenger_path(document.file, challenger.strategy)
        if not path.is_file():
            raise document.error((*where, "strategy"), f"no strategy file at {path}")
        try:
            other = load_strategy(path)
        except ConfigError:
            raise
        if other.experiment is not None:
            raise document.error((*where, "strategy"), "a challenger cannot run experiments")
        if other.buckets != strategy.buckets or other.segments != strategy.segments:
            raise document.error(
                (*where, "strategy"),
                "a challenger must use the champion's buckets and score segments "
                "(arms are compared on the same accounts)",
            )
    if total >= 1.0:
        raise document.error(
            ("experiment", "challengers"),
            f"challenger shares add up to {total:g}: leave the champion some traffic (< 1)",
        )


def challenger_path(strategy_file: str, relative: str) -> Path:
    return (Path(strategy_file).parent / relative).resolve()
