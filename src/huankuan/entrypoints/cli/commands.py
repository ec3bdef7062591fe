"""Registers the CLI's command modules on the main app (each module adds its commands)."""

from __future__ import annotations

from huankuan.entrypoints.cli import (  # noqa: F401
    audit_cli,
    compliance_cli,
    cycle_cli,
    demo_cli,
    dispatch_cli,
    ingest_cli,
    nlu_cli,
    portal_cli,
    robot_cli,
    scoring_cli,
    simulate_cli,
    simulate_conversations_cli,
    strategy_cli,
    users_cli,
)
