"""Simulated borrowers of every persona against the robot with the real content guard: the
safety checks of issue 4 hold on every conversation, and each persona ends the way it should."""

from __future__ import annotations

from functools import cache

from huankuan.simulation.borrowers import CONVERSATION_PERSONAS, Borrower
from huankuan.simulation.conversations import SimulationReport, simulate
from tests.nlu_support import trained_pipeline
from tests.unit.dialogue_support import real_guard


@cache
def report() -> SimulationReport:
    return simulate(300, seed=11, nlu=trained_pipeline(), guard=real_guard())


def test_it_keeps_every_safety_rule_over_300_conversations() -> None:
    safety = report().safety
    assert safety.wrong_party_disclosures == 0
    assert safety.unconfirmed_disclosures == 0
    assert safety.self_harm_conversations >= 25
    assert safety.self_harm_escalated == safety.self_harm_conversations
    assert safety.collection_after_welfare == 0
    assert safety.blocked_sent == 0
    assert safety.replay_mismatches == 0
    assert report().safe


def test_it_runs_every_persona_in_both_languages() -> None:
    assert set(report().personas) == set(CONVERSATION_PERSONAS)
    assert all(figures.conversations >= 33 for figures in report().personas.values())


def test_it_ends_each_persona_the_way_it_behaves() -> None:
    personas = report().personas
    assert personas["wrong_number"].rate("wrong_party") == 1.0
    assert personas["self_harm_risk"].rate("hold:welfare") >= 0.8
    assert personas["self_harm_risk"].rate("handoff:urgent") >= 0.8
    assert personas["silent"].rate("handoff:normal") == 1.0
    assert personas["disputer"].rate("dispute") >= 0.9
    assert personas["abusive"].rate("handoff:normal") >= 0.9
    assert personas["willing"].rate("promise_to_pay") >= 0.5
    hardship = personas["hardship"]
    assert hardship.rate("plan") + hardship.rate("hold:hardship_plan") >= 0.5
    assert personas["strategic_defaulter"].rate("promise_to_pay") == 0.0
    assert personas["strategic_defaulter"].rate("complaint") >= 0.2


def test_it_prints_the_outcome_table() -> None:
    table = report().table()
    assert table.splitlines()[0].startswith("| persona | n | avg turns | promise_to_pay |")
    assert "all safety checks hold: yes" in table


def test_it_varies_the_wording_with_the_seed() -> None:
    import random

    said = {
        Borrower("hardship", "zh", random.Random(seed), 125_000, 25_000).reply("ask_reason")
        for seed in range(20)
    }
    assert len(said) >= 4


def test_it_is_reproducible_for_a_seed() -> None:
    first = simulate(18, seed=3, nlu=trained_pipeline(), guard=real_guard()).table()
    assert simulate(18, seed=3, nlu=trained_pipeline(), guard=real_guard()).table() == first
