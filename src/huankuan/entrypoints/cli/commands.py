"""Registers the CLI's command modules on the main app."""

from __future__ import annotations
