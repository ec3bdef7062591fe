"""Borrower-portal links (created by operators) and the portal's own API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
