"""Cases, accounts and the actions taken on them (the agent workbench's API)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
