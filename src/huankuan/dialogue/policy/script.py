"""The collection script as data (scripts/collection.yaml): states, what each says, and which
named action answers each borrower signal. Loaded with line-precise errors; the semantic checks
(unknown actions, states, signals, the safety rule) point at the offending line too."""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from huankuan.dialogue.context import PROFILES
from huankuan.dialogue.nlu.intents import INTENTS, SELF_HARM
from huankuan.dialogue.policy.signals import AnswerLexicon
from huankuan.yaml_schema import YamlDocument, load_yaml, validate

SCRIPT_FILE = Path(__file__).resolve().parents[1] / "scripts" / "collection.yaml"
ANSWERS: tuple[str, ...] = ("affirm", "agree", "deny")
SILENCE = "silence"  # nothing said: no letter, digit or character, only noise or punctuation
SIGNALS: tuple[str, ...] = (*INTENTS, *ANSWERS, SILENCE)
WELFARE = "welfare"
# States the mechanisms move to by name; the script must define them.
REQUIRED_STATES: tuple[str, ...] = (
    "verify_identity",
    "ask_reason",
    "offer_full",
    "offer_promise",
    "ask_promise_amount",
    "ask_promise_date",
    "offer_plan",
    "offer_settlement",
    "confirm_promise",
    "confirm_plan",
    "confirm_settlement",
    "payment_details",
    "ended",
)
Name = Annotated[str, StringConstraints(min_length=1, pattern=r"^[a-z_]+$")]
ResponseKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Settings(_Strict):
    min_confidence: float = Field(ge=0, le=1)
    identity_confidence: float = Field(ge=0, le=1)
    max_unclear_turns: int = Field(ge=1)
    abusive_warnings: int = Field(ge=0)
    max_refusals: int = Field(ge=1)
    max_turns: int = Field(ge=2)


class Words(_Strict):
    zh: list[Annotated[str, StringConstraints(min_length=1)]]
    en: list[Annotated[str, StringConstraints(min_length=1)]]

    def all(self) -> frozenset[str]:
        return frozenset(word.lower() for word in (*self.zh, *self.en))


class Answers(_Strict):
    affirm: Words
    agree: Words
    deny: Words


class StateSpec(_Strict):
    prompt: list[ResponseKey]
    when: dict[str, Name] = Field(default_factory=dict)
    otherwise: Name | None = None
    terminal: bool = False


class Script(_Strict):
    version: Literal[1]
    initial: Name
    start: list[ResponseKey] = Field(min_length=1)
    settings: Settings
    disclosures: dict[str, list[ResponseKey]]
    before_identity: list[Name]
    answers: Answers
    discount_words: Words
    full_amount_words: Words
    tactics: dict[str, Name]
    states: dict[str, StateSpec]

    @cached_property
    def answer_lexicon(self) -> AnswerLexicon:
        return AnswerLexicon(
            affirm=self.answers.affirm.all(),
            agree=self.answers.agree.all(),
            deny=self.answers.deny.all(),
        )

    def action_for(self, state: str, signal: str) -> str:
        """The action answering `signal` in `state` (the order of the script's header)."""
        if signal == SELF_HARM:
            return WELFARE
        spec = self.states[state]
        return spec.when.get(signal) or spec.otherwise or self.tactics[signal]

    def response_keys(self) -> set[str]:
        """Every response key the script itself names (the mechanisms name more)."""
        keys = set(self.start)
        for keys_of_profile in self.disclosures.values():
            keys.update(keys_of_profile)
        for spec in self.states.values():
            keys.update(spec.prompt)
        return keys


def load_script(path: Path | str = SCRIPT_FILE, *, actions: Collection[str]) -> Script:
    """Load and check a script; `actions` are the names the policy implements."""
    document = load_yaml(path)
    script = validate(document, Script)
    _check(document, script, actions)
    return script


def _check(document: YamlDocument, script: Script, actions: Collection[str]) -> None:
    if script.initial not in script.states:
        raise document.error(("initial",), f"unknown state {script.initial!r}")
    for name in REQUIRED_STATES:
        if name not in script.states:
            raise document.error(("states",), f"state {name!r} is required by the mechanisms")
    for profile in PROFILES:
        if profile not in script.disclosures:
            raise document.error(("disclosures",), f"no disclosures for profile {profile!r}")
    for profile in script.disclosures:
        if profile not in PROFILES:
            raise document.error(("disclosures", profile), f"unknown profile {profile!r}")
    _check_mapping(document, ("tactics",), script.tactics, actions)
    missing = [signal for signal in SIGNALS if signal not in script.tactics]
    if missing:
        raise document.error(("tactics",), f"no tactic for signal(s) {missing}")
    if script.tactics[SELF_HARM] != WELFARE:
        raise document.error(("tactics", SELF_HARM), f"self_harm must map to {WELFARE!r}")
    for name, spec in script.states.items():
        _check_mapping(document, ("states", name, "when"), spec.when, actions)
        if SELF_HARM in spec.when:
            raise document.error(
                ("states", name, "when", SELF_HARM), "self_harm is handled by the safety protocol"
            )
        if spec.otherwise is not None and spec.otherwise not in actions:
            raise document.error(("states", name, "otherwise"), _unknown_action(spec.otherwise))


def _check_mapping(
    document: YamlDocument,
    path: tuple[str, ...],
    mapping: dict[str, str],
    actions: Collection[str],
) -> None:
    for signal, action in mapping.items():
        if signal not in SIGNALS:
            raise document.error((*path, signal), f"unknown signal {signal!r}")
        if action not in actions:
            raise document.error((*path, signal), _unknown_action(action))


def _unknown_action(action: str) -> str:
    return f"unknown action {action!r}"
