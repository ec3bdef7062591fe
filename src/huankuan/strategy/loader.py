"""Collection strategies: versioned YAML (buckets, score segments, treatments), validated on load.

Every problem is a ConfigError naming the file, the line and the field. Conventions: priority
1..100 where a LOWER number is MORE urgent; `send_at` is the debtor's local wall-clock time on the
business date; `max_attempts` is how many contact points of the treatment's role and kind (phone
for SMS and calls, email, address for letters) are used that day; the segment key `any` applies
to every segment of the bucket.

A treatment's timing window runs from `send_at` to `until` (default: `send_at` only); `retries`
repeats it every `retry_every_minutes` inside the window (each retry is its own planned action,
judged by the gate on its own). The optional `rules`/`paths`, `experiment` and `allocation`
sections are described in `extensions.py`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from huankuan.domain.delinquency import Band, BucketScheme
from huankuan.domain.errors import ConfigError
from huankuan.domain.model import Channel, ContactRole
from huankuan.strategy.extensions import Allocation, Experiment, SegmentRule
from huankuan.yaml_schema import YamlDocument, load_yaml, parse_clock, validate

DEFAULT_STRATEGY = Path(__file__).with_name("strategies") / "default.yaml"
ANY_SEGMENT = "any"

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_+\-]{0,15}$")]
Template = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Version = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){1,3}$")]
Clock = Annotated[time, BeforeValidator(parse_clock)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BandSpec(_Strict):
    name: Name
    min_days: int = Field(ge=0)
    max_days: int | None = Field(default=None, ge=0)


class SegmentSpec(_Strict):
    name: Name
    min_score: int = Field(ge=0, le=1000)


class Treatment(_Strict):
    channel: Channel
    template: Template
    priority: int = Field(ge=1, le=100)
    send_at: Clock
    max_attempts: int = Field(default=1, ge=1, le=5)
    contact_role: ContactRole = ContactRole.SELF
    discloses_debt: bool | None = None  # default: only when talking to the debtor themself
    only_if: Literal["unreachable"] | None = None
    until: Clock | None = None  # end of the timing window (inclusive)
    retries: int = Field(default=0, ge=0, le=5)
    retry_every_minutes: int = Field(default=120, ge=15, le=720)

    def send_times(self) -> list[time]:
        """`send_at`, then each retry's time (all inside the window)."""
        start = datetime.combine(datetime.min.date(), self.send_at)
        return [
            (start + timedelta(minutes=self.retry_every_minutes * k)).time()
            for k in range(self.retries + 1)
        ]

    @property
    def disclosure(self) -> bool:
        if self.discloses_debt is not None:
            return self.discloses_debt
        return self.contact_role is ContactRole.SELF


DEFAULT_BUCKETS = (
    BandSpec(name="current", min_days=0, max_days=0),
    BandSpec(name="M1", min_days=1, max_days=30),
    BandSpec(name="M2", min_days=31, max_days=60),
    BandSpec(name="M3", min_days=61, max_days=90),
    BandSpec(name="M4+", min_days=91, max_days=180),
    BandSpec(name="write_off", min_days=181, max_days=None),
)


class Strategy(_Strict):
    strategy: Name
    version: Version
    description: str = ""
    buckets: tuple[BandSpec, ...] = Field(default=DEFAULT_BUCKETS, min_length=2)
    segments: tuple[SegmentSpec, ...] = Field(min_length=1)
    treatments: dict[str, dict[str, tuple[Treatment, ...]]]
    rules: tuple[SegmentRule, ...] = ()
    paths: dict[str, tuple[Treatment, ...]] = Field(default_factory=dict)
    experiment: Experiment | None = None
    allocation: Allocation | None = None

    @property
    def label(self) -> str:
        return f"{self.strategy}@{self.version}"

    @property
    def bucket_scheme(self) -> BucketScheme:
        return BucketScheme(tuple(Band(b.name, b.min_days, b.max_days) for b in self.buckets))

    @property
    def current_bucket(self) -> str:
        return self.buckets[0].name

    def segment_cutoffs(self) -> list[tuple[str, int]]:
        """(segment, minimum score), highest first; the last one starts at 0."""
        return [(segment.name, segment.min_score) for segment in self.segments]


def load_strategy(path: Path | str | None = None) -> Strategy:
    from huankuan.strategy.checks import check_extensions

    document = load_yaml(path or DEFAULT_STRATEGY)
    strategy = validate(document, Strategy)
    _check_buckets(document, strategy)
    _check_segments(document, strategy)
    _check_treatments(document, strategy)
    check_extensions(document, strategy)
    return strategy


def _check_buckets(document: YamlDocument, strategy: Strategy) -> None:
    try:
        strategy.bucket_scheme  # noqa: B018 - validates contiguity on construction
    except ConfigError as error:
        index = next(i for i, band in enumerate(strategy.buckets) if band.name == error.field)
        raise document.error(("buckets", index, "min_days"), error.reason) from None
    if strategy.buckets[0].max_days != 0:
        raise document.error(
            ("buckets", 0, "max_days"),
            "the first bucket holds the current accounts (0 days past due)",
        )
    _unique(document, "buckets", [band.name for band in strategy.buckets])


def _check_segments(document: YamlDocument, strategy: Strategy) -> None:
    _unique(document, "segments", [segment.name for segment in strategy.segments])
    scores = [segment.min_score for segment in strategy.segments]
    for index in range(1, len(scores)):
        if scores[index] >= scores[index - 1]:
            raise document.error(
                ("segments", index, "min_score"),
                "segments must be listed from the highest min_score down",
            )
    if scores[-1] != 0:
        raise document.error(
            ("segments", len(scores) - 1, "min_score"),
            "the last segment must start at 0 so every score has a segment",
        )
    if ANY_SEGMENT in {segment.name for segment in strategy.segments}:
        raise document.error(("segments",), f"'{ANY_SEGMENT}' is reserved")


def _check_treatments(document: YamlDocument, strategy: Strategy) -> None:
    buckets = [band.name for band in strategy.buckets]
    segments = {segment.name for segment in strategy.segments} | {ANY_SEGMENT}
    for bucket, by_segment in strategy.treatments.items():
        if bucket not in buckets:
            raise document.error(
                ("treatments", bucket),
                f"unknown bucket {bucket!r}; buckets are {', '.join(buckets)}",
            )
        if bucket == strategy.current_bucket and any(by_segment.values()):
            raise document.error(
                ("treatments", bucket), "accounts that are current receive no collection treatment"
            )
        for segment, treatments in by_segment.items():
            if segment not in segments:
                raise document.error(
                    ("treatments", bucket, segment),
                    f"unknown segment {segment!r}; segments are {', '.join(sorted(segments))}",
                )
            for index, treatment in enumerate(treatments):
                if treatment.contact_role is not ContactRole.SELF and treatment.disclosure:
                    raise document.error(
                        ("treatments", bucket, segment, index, "discloses_debt"),
                        "a treatment for anyone but the debtor must not disclose the debt",
                    )
    for bucket in buckets[1:]:
        if bucket not in strategy.treatments:
            raise document.error(
                ("treatments",), f"bucket {bucket} has no entry (write `{bucket}: {{}}` for none)"
            )


def _unique(document: YamlDocument, section: str, names: list[str]) -> None:
    for index, name in enumerate(names):
        if name in names[:index]:
            raise document.error((section, index, "name"), f"duplicate name {name!r}")
