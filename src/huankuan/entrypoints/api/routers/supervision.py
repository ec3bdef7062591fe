"""The supervisor's API: KPIs, assignment and flagged-conversation review."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
