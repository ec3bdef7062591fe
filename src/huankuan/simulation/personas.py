"""The borrower personas every simulator shares, with the traits the sample generator uses.

A persona is hidden truth: it never appears in the import files, it only shapes them (who pays
a little, who disputes, whose numbers are dead). Simulators recover it with `personas_for`,
so the conversation and strategy simulators see the same borrowers the sample describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from huankuan.simulation.draws import Draws


class Persona(StrEnum):
    WILLING = "willing"
    # The strategy simulator's "self-cure" persona is the willing borrower: an alias, so it
    # adds no persona (iteration, shares and samples are unchanged).
    SELF_CURE = "willing"
    FORGETFUL = "forgetful"
    HARDSHIP = "hardship"
    STRATEGIC_DEFAULTER = "strategic_defaulter"
    DISPUTER = "disputer"
    WRONG_NUMBER = "wrong_number"
    ABUSIVE = "abusive"
    SELF_HARM_RISK = "self_harm_risk"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True, slots=True)
class Traits:
    share: float  # of debtors
    partial_payment: float  # chance an account carries a partial payment of its instalment
    pays_after_snapshot: float  # chance of a payment arriving just after the balance date
    invalid_phone: float  # chance each phone of the debtor is known to be invalid
    opts_out: float  # chance each contact point carries an opt-out
    lender_hold: float  # chance the lender reports a hold on an account


PERSONAS: dict[Persona, Traits] = {
    Persona.WILLING: Traits(0.24, 0.45, 0.12, 0.01, 0.01, 0.002),
    Persona.FORGETFUL: Traits(0.22, 0.30, 0.10, 0.02, 0.01, 0.002),
    Persona.HARDSHIP: Traits(0.18, 0.35, 0.03, 0.02, 0.03, 0.01),
    Persona.STRATEGIC_DEFAULTER: Traits(0.10, 0.02, 0.00, 0.04, 0.06, 0.01),
    Persona.DISPUTER: Traits(0.06, 0.05, 0.01, 0.02, 0.08, 0.12),
    Persona.WRONG_NUMBER: Traits(0.05, 0.10, 0.02, 0.10, 0.02, 0.005),
    Persona.ABUSIVE: Traits(0.04, 0.05, 0.01, 0.03, 0.10, 0.03),
    Persona.SELF_HARM_RISK: Traits(0.01, 0.20, 0.02, 0.02, 0.02, 0.02),
    Persona.UNREACHABLE: Traits(0.10, 0.01, 0.00, 0.40, 0.02, 0.005),
}


def personas_for(seed: int, debtors: int) -> pl.Series:
    """The persona of debtor number 0..debtors-1 of the sample made with `seed`."""
    names = [persona.value for persona in PERSONAS]
    shares = [traits.share for traits in PERSONAS.values()]
    return Draws(seed, "personas").choice(debtors, names, shares, dtype=pl.String).alias("persona")


def trait(personas: pl.Series, name: str) -> pl.Series:
    """A per-row trait value (e.g. "partial_payment") for a series of persona names."""
    mapping = {persona.value: getattr(traits, name) for persona, traits in PERSONAS.items()}
    return personas.replace_strict(mapping, return_dtype=pl.Float64).alias(name)
