"""Replaying stored gate decisions: each decision on a real attempt of an action, re-decided from
the inputs stored with it, and compared with what was decided then."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from huankuan.adapters.storage.gate_store import GateDecisionRow, SqlGateDecisions
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.compliance.proof import Replay, replay
from huankuan.compliance.rows import aware
from huankuan.domain.errors import NotFound

if TYPE_CHECKING:
    from huankuan.bootstrap import App


@dataclass(frozen=True)
class ReplayedDecision:
    stored: GateDecisionRow
    replay: Replay

    @property
    def same(self) -> bool:
        next_allowed = self.stored.next_allowed_at
        return self.replay.same_as(
            self.stored.decision,
            self.stored.rules,
            None if next_allowed is None else aware(next_allowed),
        )

    @property
    def ok(self) -> bool:
        return self.replay.hash_ok and self.replay.profile_ok and self.same


def replay_action(
    app: App, action_id: str, profiles: Mapping[str, Profile] | None = None
) -> list[ReplayedDecision]:
    """Every stored decision on the action, oldest first, each replayed."""
    profiles = profiles or load_profiles()
    with app.engine.connect() as connection:
        stored = SqlGateDecisions(connection).for_action(action_id)
    if not stored:
        raise NotFound(
            f"no stored gate decision for action {action_id!r}: decisions are stored when an "
            "action is dispatched (`huankuan dispatch`); a plan row alone is only a forecast"
        )
    return [ReplayedDecision(row, replay(row.inputs, row.inputs_hash, profiles)) for row in stored]
