"""The rule layer: lexicon patterns, negation and context conditions over normalised text."""

from __future__ import annotations

from huankuan.compliance.content.amounts import find_deceptive_amounts
from huankuan.compliance.content.lexicon import Lexicon, NegationPolicy, Rule
from huankuan.compliance.content.model import Hit, ScreeningContext
from huankuan.compliance.content.normalise import Normalised
from huankuan.compliance.content.prefilter import text_atoms

_CLAUSE_PUNCTUATION = frozenset(",.;:!?。；：！？\n")


def rule_hits(
    lexicons: tuple[Lexicon, ...], text: Normalised, context: ScreeningContext
) -> list[Hit]:
    """Every rule of every lexicon is tried: a Chinese text quoting "FBI" is still caught."""
    hits: list[Hit] = []
    atoms = text_atoms(text.text)
    for lexicon in lexicons:
        for rule in lexicon.rules:
            hit = _apply(rule, lexicon.negation, text, context, atoms)
            if hit is not None:
                hits.append(hit)
        hits.extend(_amount_hits(lexicon, text, context))
    return hits


def _apply(
    rule: Rule,
    negation: NegationPolicy,
    text: Normalised,
    context: ScreeningContext,
    atoms: frozenset[str],
) -> Hit | None:
    if not _applies(rule, context):
        return None
    if rule.requires and not any(pattern.search(text.text) for pattern in rule.requires):
        return None
    for pattern in rule.candidates(atoms):
        for match in pattern.finditer(text.text):
            if rule.negatable and _negated(text.text, match.start(), negation):
                continue
            span = text.original_span(match.start(), match.end())
            return Hit(rule.category, rule.id, span, rule.explanation)
    return None


def _applies(rule: Rule, context: ScreeningContext) -> bool:
    return all(context.value(key) in accepted for key, accepted in rule.applies_when)


def _negated(text: str, start: int, negation: NegationPolicy) -> bool:
    """A cue ("不会", "will not") shortly before the match, in the same clause, with no
    condition marker ("就", "then", "if") between the cue and the match."""
    left = max(0, start - negation.window)
    window = text[left:start]
    for index in range(len(window) - 1, -1, -1):
        if window[index] in _CLAUSE_PUNCTUATION:
            window = window[index + 1 :]
            break
    cues = list(negation.cues.finditer(window))
    if not cues:
        return False
    return not negation.blockers.search(window, cues[-1].end())


def _amount_hits(lexicon: Lexicon, text: Normalised, context: ScreeningContext) -> list[Hit]:
    hits = []
    for finding in find_deceptive_amounts(text.text, lexicon.amounts, context):
        check = lexicon.amounts.checks[finding.check]
        span = text.original_span(finding.start, finding.end)
        hits.append(
            Hit("deceptive_amount", check.id, span, f"{check.explanation} ({finding.detail})")
        )
    return hits
