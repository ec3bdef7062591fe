"""Flag review: what a supervisor must look at, and the record that they did.

Flags are found, not filed: a sync reads the sources and opens one flag per thing found —
- `content_guard`: a robot sentence the content guard (or the script's identity gate) held back
  (a `bot_uttered` event with verdict "violation"), or an outbound message it blocked;
- `self_harm`: an urgent hand-off (the robot's self-harm protocol), or a welfare hold placed
  without one (a person heard it).
The sync is idempotent (one flag per source type, source id and kind). A flag is closed with a
resolution code from a fixed list and a note; a self-harm flag only with the welfare follow-up.
Summaries are language-neutral (the codes in brackets, then the text as said or written, with
the debtor's name and phone-like numbers masked); the pages label them in zh or en.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from huankuan.adapters.storage.flag_store import SqlFlagStore
from huankuan.adapters.storage.repositories import from_db_time, to_db_time
from huankuan.domain import commands
from huankuan.domain.errors import ConcurrentUpdate, InvalidInput, NotFound
from huankuan.domain.masking import mask_name, mask_phone
from huankuan.domain.users import Principal
from huankuan.service_layer.dashboard import SUPERVISION_ACTORS, require_reader, require_role
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

KINDS = ("content_guard", "self_harm")
STATUSES = ("open", "resolved")
RESOLUTIONS = (
    "reviewed_ok",
    "coached_agent",
    "escalated_to_compliance",
    "welfare_followed_up",
    "false_positive",
)
WELFARE = "welfare_followed_up"
MAX_NOTE = 2000
SUMMARY_CHARS = 280
# A robot's welfare hold and its urgent hand-off are written together; a welfare hold with no
# urgent hand-off this close to it was placed by a person and is a flag of its own.
SAME_ESCALATION = timedelta(minutes=10)
# Sources are re-read from a little before the newest flag of their kind.
RESCAN = timedelta(days=1)
_PHONE_LIKE = re.compile(r"\+?\d[\d -]{6,}\d")


@dataclass(frozen=True)
class Flag:
    flag_id: str
    kind: str
    source_type: str  # conversation | message | handoff | hold
    source_id: str
    case_id: str
    summary: str
    status: str
    opened_at: datetime  # aware UTC: when the flagged thing happened
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None
    resolution_note: str | None = None

    @property
    def conversation_id(self) -> str | None:
        if self.source_type == "conversation":
            return self.source_id.split("#", 1)[0]
        return None

    def resolutions(self) -> tuple[str, ...]:
        """The codes this flag may be closed with."""
        if self.kind == "self_harm":
            return (WELFARE,)
        return tuple(code for code in RESOLUTIONS if code != WELFARE)


@dataclass(frozen=True)
class FlagPage:
    total: int
    open_by_kind: dict[str, int]
    flags: tuple[Flag, ...]


def sync_flags(*, uow: SqlUnitOfWork) -> int:
    """Open a flag for everything flaggable that has none yet; the number opened."""
    with uow:
        store = SqlFlagStore(uow.connection)
        found = [
            *_sentence_flags(store),
            *_message_flags(store),
            *_handoff_flags(store),
            *_welfare_hold_flags(store),
        ]
        opened: Counter[str] = Counter()
        for values in found:
            if values["case_id"] is None:
                values["case_id"] = uow.cases.case_of(values.pop("debtor_id"))
            values.pop("debtor_id", None)
            if store.add({"flag_id": f"FLG-{uuid.uuid4().hex[:16]}", **values}):
                opened[values["kind"]] += 1
        if opened:
            uow.audit.record(
                actor="system",
                action="flags.synced",
                entity_type="flag_reviews",
                entity_id=uow.clock.now().astimezone(UTC).isoformat(),
                details={"opened": dict(opened)},
            )
        uow.commit()
    return sum(opened.values())


def list_flags(
    *,
    uow: SqlUnitOfWork,
    principal: Principal | None,
    status: str | None = "open",
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
    sync: bool = True,
) -> FlagPage:
    """Flags by status ("open", "resolved"; None: all), self-harm first; found afresh first."""
    require_reader(principal)
    _one_of("status", status, STATUSES)
    _one_of("kind", kind, KINDS)
    if not 1 <= limit <= 500 or offset < 0:
        raise InvalidInput(f"limit must be 1-500 and offset not negative, got {limit}, {offset}")
    if sync:
        sync_flags(uow=uow)
    with uow:
        store = SqlFlagStore(uow.connection)
        total, rows = store.page(status=status, kind=kind, limit=limit, offset=offset)
        counts = store.open_counts()
    return FlagPage(total, counts, tuple(_flag(row) for row in rows))


def get_flag(flag_id: str, *, uow: SqlUnitOfWork, principal: Principal | None) -> Flag:
    require_reader(principal)
    with uow:
        row = SqlFlagStore(uow.connection).get(flag_id)
    if row is None:
        raise NotFound(f"no flag {flag_id!r}")
    return _flag(row)


def resolve_flag(
    cmd: commands.ResolveFlag, *, uow: SqlUnitOfWork, principal: Principal | None
) -> Flag:
    """Close an open flag; audited (`flag.resolved`)."""
    require_role(principal, SUPERVISION_ACTORS)
    note = cmd.note.strip()
    if not note or len(note) > MAX_NOTE:
        raise InvalidInput(f"a note is required (1-{MAX_NOTE} characters) saying what was done")
    with uow:
        store = SqlFlagStore(uow.connection)
        row = store.get(cmd.flag_id)
        if row is None:
            raise NotFound(f"no flag {cmd.flag_id!r}")
        flag = _flag(row)
        _check_resolution(flag, cmd.resolution)
        now = uow.clock.now()
        values = {
            "resolved_at": to_db_time(now),
            "resolved_by": cmd.actor,
            "resolution": cmd.resolution,
            "resolution_note": note,
        }
        if not store.resolve(flag.flag_id, values):
            raise ConcurrentUpdate(f"flag {flag.flag_id} is already resolved")
        uow.audit.record(
            actor=cmd.actor,
            action="flag.resolved",
            entity_type="case",
            entity_id=flag.case_id,
            details={"flag_id": flag.flag_id, "kind": flag.kind, "resolution": cmd.resolution},
        )
        _close_handoff(uow, store, flag, cmd.actor, now)
        uow.commit()
        return _flag(store.get(cmd.flag_id))


def _close_handoff(
    uow: SqlUnitOfWork, store: SqlFlagStore, flag: Flag, actor: str, now: datetime
) -> None:
    """The follow-up a hand-off's flag records is the hand-off dealt with: it leaves the
    agents' queues."""
    if flag.source_type != "handoff" or not store.close_handoff(flag.source_id, now):
        return
    uow.audit.record(
        actor=actor,
        action="handoff.resolved",
        entity_type="case",
        entity_id=flag.case_id,
        details={"handoff_id": flag.source_id, "flag_id": flag.flag_id},
    )


def _check_resolution(flag: Flag, resolution: str) -> None:
    if flag.status != "open":
        raise ConcurrentUpdate(f"flag {flag.flag_id} is already resolved")
    if resolution not in RESOLUTIONS:
        raise InvalidInput(
            f"resolution must be one of {', '.join(RESOLUTIONS)}, got {resolution!r}"
        )
    if resolution not in flag.resolutions():
        if flag.kind == "self_harm":
            raise InvalidInput(f"a self-harm flag is closed only with {WELFARE}")
        raise InvalidInput(f"{WELFARE} closes self-harm flags only")


def _one_of(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


# -- the sources -------------------------------------------------------------------------------


def _since(store: SqlFlagStore, source_type: str) -> datetime | None:
    latest = store.latest_source_at(source_type)
    return None if latest is None else latest - RESCAN


def _sentence_flags(store: SqlFlagStore) -> list[dict[str, Any]]:
    found = []
    for row in store.withheld_sentences(_since(store, "conversation")):
        data = dict(row.payload.get("data") or {})
        categories = ", ".join(data.get("categories") or []) or "unspecified"
        by = data.get("screened_by") or "content_guard"
        text = mask_text(str(data.get("text", "")), row.name)
        where = f"{by} · {data.get('channel', 'chat')} · {data.get('key')}"
        found.append(
            _values(row, "content_guard", "conversation", f"[{categories}] {where}\n{text}")
        )
    return found


def _message_flags(store: SqlFlagStore) -> list[dict[str, Any]]:
    found = []
    for row in store.blocked_messages(_since(store, "message")):
        categories = ", ".join(json.loads(row.content_categories or "[]")) or "unspecified"
        who = row.created_by or "system"
        text = mask_text(row.text, row.name)
        summary = f"[{categories}] {row.channel} · {who}\n{text}"
        found.append(_values(row, "content_guard", "message", summary))
    return found


def _handoff_flags(store: SqlFlagStore) -> list[dict[str, Any]]:
    found = []
    for row in store.urgent_handoffs():
        summary = f"[{row.reason}] {row.conversation_id or row.case_id}"
        found.append(_values(row, "self_harm", "handoff", summary))
    return found


def _welfare_hold_flags(store: SqlFlagStore) -> list[dict[str, Any]]:
    rows = store.welfare_holds()
    handed_off = store.urgent_handoff_times({row.debtor_id for row in rows})
    found = []
    for row in rows:
        times = handed_off.get(row.debtor_id, [])
        if any(abs(at - row.at) <= SAME_ESCALATION for at in times):
            continue  # the robot's hold: its hand-off is the flag
        summary = f"[welfare] {mask_text(row.reason, row.name)}"
        found.append(_values(row, "self_harm", "hold", summary))
    return found


def _values(row: Any, kind: str, source_type: str, summary: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "source_type": source_type,
        "source_id": row.source_id,
        "case_id": row.case_id,
        "debtor_id": getattr(row, "debtor_id", None),
        "summary": summary[:SUMMARY_CHARS],
        "status": "open",
        "opened_at": row.at,
    }


def mask_text(text: str, name: str | None) -> str:
    """Free text with the debtor's name and anything that looks like a phone number masked."""
    if name and name.strip():
        text = text.replace(name, mask_name(name))
    return _PHONE_LIKE.sub(lambda match: mask_phone(match.group(0)), text)


def _flag(row: Any) -> Flag:
    return Flag(
        flag_id=row.flag_id,
        kind=row.kind,
        source_type=row.source_type,
        source_id=row.source_id,
        case_id=row.case_id,
        summary=row.summary,
        status=row.status,
        opened_at=from_db_time(row.opened_at),  # type: ignore[arg-type]
        resolved_at=from_db_time(row.resolved_at),
        resolved_by=row.resolved_by,
        resolution=row.resolution,
        resolution_note=row.resolution_note,
    )
