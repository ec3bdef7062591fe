"""What a borrower does in the portal, each through the existing handlers and audited as
"borrower:<link_id>": promise to pay (checked by the negotiation policy), choose a plan (only
one the policy generated; never a free amount), dispute the debt (in writing, with the hold the
profile ties to disputes), and stop calls, one channel or all contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from huankuan.adapters.storage.portal_store import PortalStore
from huankuan.compliance.profiles import OptOutRule, Profile
from huankuan.dialogue.context import ConversationContext, Lang
from huankuan.dialogue.policy.negotiation import Offer, check_promise, offer_ladder, within_policy
from huankuan.domain import commands
from huankuan.domain.errors import InvalidInput, OutsidePolicy
from huankuan.domain.model import HoldType
from huankuan.domain.portal import PortalScope
from huankuan.service_layer import handlers
from huankuan.service_layer.agreements import record_agreed_plan, record_agreed_promise
from huankuan.service_layer.portal import PortalRules, account_owed, negotiation_context
from huankuan.service_layer.unit_of_work import SqlUnitOfWork

DISPUTE_REASONS = ("not_mine", "wrong_amount", "already_paid", "other")
NOTE_LIMIT = 500
# What the contact-preferences page offers: the opt-out a choice means (channel, contact kinds).
OPT_OUTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "stop_calls": ("call", ("phone",)),
    "stop_sms": ("sms", ("phone",)),
    "stop_email": ("email", ("email",)),
}
PREFERENCES = (*OPT_OUTS, "stop_all")


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """One offer the policy makes, under the key a borrower picks it by."""

    key: str
    offer: Offer
    currency: str


@dataclass(frozen=True, slots=True)
class PreferenceApplied:
    choice: str
    how: str  # "opt_out" | "cease_hold"
    contact_ids: tuple[str, ...] = ()
    hold_id: str | None = None


def _context(
    scope: PortalScope,
    account_id: str | None,
    uow: SqlUnitOfWork,
    rules: PortalRules,
    lang: Lang | None,
) -> ConversationContext:
    account = account_owed(scope, account_id, uow=uow)
    return negotiation_context(scope, account, rules=rules, now=uow.clock.now(), lang=lang)


def promise_to_pay(
    scope: PortalScope,
    *,
    account_id: str | None,
    amount_minor: int,
    due_on: date,
    uow: SqlUnitOfWork,
    rules: PortalRules,
) -> str:
    """Record the promise if the policy accepts it; else OutsidePolicy with the reason and the
    closest promise the policy would accept."""
    context = _context(scope, account_id, uow, rules, None)
    checked = check_promise(context, amount_minor, due_on)
    if checked.problem is not None or checked.offer is None:
        counter: dict[str, object] | None = None
        if checked.counter is not None:
            counter = dict(checked.counter.to_slot())
        raise OutsidePolicy(
            str(checked.problem), f"the promise is outside policy ({checked.problem})", counter
        )
    offer = checked.offer
    return record_agreed_promise(
        uow, context, amount_minor=offer.amount_minor, due_on=offer.due_on, actor=scope.actor
    )


def plan_choices(
    scope: PortalScope,
    *,
    account_id: str | None,
    uow: SqlUnitOfWork,
    rules: PortalRules,
) -> list[PlanChoice]:
    """The plans and settlement the policy offers on what is owed now, in the script's order."""
    context = _context(scope, account_id, uow, rules, None)
    return [
        PlanChoice(f"{offer.kind}-{offer.term}", offer, context.currency)
        for offer in offer_ladder(context)
    ]


def choose_plan(
    scope: PortalScope,
    *,
    account_id: str | None,
    key: str,
    uow: SqlUnitOfWork,
    rules: PortalRules,
) -> str:
    """Record the offer `key` names, rebuilt from the policy now (the borrower sends only the
    key, never an amount). One active plan per account."""
    context = _context(scope, account_id, uow, rules, None)
    offer = next(
        (offer for offer in offer_ladder(context) if f"{offer.kind}-{offer.term}" == key), None
    )
    if offer is None or not within_policy(context, offer):
        raise OutsidePolicy("unknown_offer", f"no such offer {key!r} on this account now")
    chosen = str(context.account_id)
    with uow:
        if PortalStore(uow.connection).active_plan(chosen) is not None:
            raise OutsidePolicy("plan_exists", "this account already has a plan in force")
        plan_id = record_agreed_plan(uow, context, offer, scope.actor)
        uow.commit()
    return plan_id


def dispute(
    scope: PortalScope,
    *,
    account_id: str | None,
    reason: str,
    note: str,
    uow: SqlUnitOfWork,
    rules: PortalRules,
) -> str:
    """A written dispute (the portal is in writing), and the hold the profile ties to disputes.
    A dispute still open on the account is returned rather than opened twice."""
    chosen = scope.require_account(account_id)
    if reason not in DISPUTE_REASONS:
        raise InvalidInput(f"reason must be one of {', '.join(DISPUTE_REASONS)}, got {reason!r}")
    if len(note) > NOTE_LIMIT:
        raise InvalidInput(f"the note is limited to {NOTE_LIMIT} characters")
    with uow:
        existing = PortalStore(uow.connection).open_dispute_id(chosen)
        if existing is not None:
            return existing
        dispute_id = handlers.open_dispute(
            commands.OpenDispute(
                account_id=chosen,
                reason=f"{reason}: {note.strip()}" if note.strip() else reason,
                written=True,
                actor=scope.actor,
            ),
            uow=uow,
        )
        if _profile(scope, rules).hold_rule(HoldType.DISPUTE.value) is not None:
            _hold(scope, uow, HoldType.DISPUTE, f"written dispute {dispute_id} (portal)")
        uow.commit()
    return dispute_id


def contact_preference(
    scope: PortalScope, *, choice: str, uow: SqlUnitOfWork, rules: PortalRules
) -> PreferenceApplied:
    """Stop one channel (an opt-out on the debtor's own contact points) or all contact (a
    cease_contact hold). Where the profile does not honour opt-outs, stopping a channel can
    only be done by the cease hold, so that is what is placed."""
    if choice not in PREFERENCES:
        raise InvalidInput(f"choice must be one of {', '.join(PREFERENCES)}, got {choice!r}")
    profile = _profile(scope, rules)
    honours_opt_out = any(isinstance(rule, OptOutRule) for rule in profile.rules)
    with uow:
        if choice == "stop_all" or not honours_opt_out:
            hold_id = _hold(scope, uow, HoldType.CEASE_CONTACT, f"asked in writing: {choice}")
            uow.commit()
            return PreferenceApplied(choice, "cease_hold", hold_id=hold_id)
        channel, kinds = OPT_OUTS[choice]
        changed = PortalStore(uow.connection).opt_out(scope.debtor_id, kinds, channel)
        uow.audit.record(
            actor=scope.actor,
            action="contact_point.opted_out",
            entity_type="debtor",
            entity_id=scope.debtor_id,
            details={"channel": channel, "contact_ids": changed},
        )
        uow.commit()
    return PreferenceApplied(choice, "opt_out", contact_ids=tuple(changed))


def current_opt_outs(scope: PortalScope, *, uow: SqlUnitOfWork) -> frozenset[str]:
    """The channels the debtor's own contact points have opted out of ("call", "sms", …)."""
    with uow:
        return PortalStore(uow.connection).opted_out_channels(scope.debtor_id)


def _profile(scope: PortalScope, rules: PortalRules) -> Profile:
    return rules.profiles[scope.jurisdiction]


def _hold(scope: PortalScope, uow: SqlUnitOfWork, hold_type: HoldType, reason: str) -> str:
    return handlers.place_hold(
        commands.PlaceHold(
            debtor_id=scope.debtor_id,
            hold_type=hold_type,
            starts_at=uow.clock.now(),
            reason=f"{reason} (borrower portal link {scope.link_id})",
            actor=scope.actor,
        ),
        uow=uow,
    )
