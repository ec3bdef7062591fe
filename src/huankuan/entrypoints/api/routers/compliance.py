"""The compliance role's read-only API: gate decisions and their replay, the audit chain, complaints."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
