"""What the borrower portal shows: exactly what is owed on each of the debtor's accounts, in the
account's currency (the latest cycle's balance less payments received and not yet allocated),
the promise or plan in force, and the negotiation context the portal's offers are built from
(the robot's own `build_context` and lender terms, so the portal and the robot offer the same
figures from the same policy data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path

from huankuan.adapters.storage.portal_store import (
    AccountStanding,
    ActivePlan,
    OpenPromise,
    PortalStore,
)
from huankuan.compliance.profiles import Profile, load_profiles
from huankuan.dialogue.context import ConversationContext, Lang
from huankuan.dialogue.terms import TERMS_FILE, LenderTerms, load_terms
from huankuan.domain.conversations import AccountFacts
from huankuan.domain.errors import InvalidInput
from huankuan.domain.portal import PortalScope
from huankuan.service_layer.conversations import build_context
from huankuan.service_layer.unit_of_work import SqlUnitOfWork


@dataclass(frozen=True, slots=True)
class PortalRules:
    """The data the portal's decisions come from: the lender's terms (negotiation limits) and the
    jurisdiction profiles (what a dispute or a cease request changes)."""

    terms: Mapping[str, LenderTerms]
    profiles: Mapping[str, Profile]


@cache
def packaged_rules(terms_file: Path | None = None) -> PortalRules:
    """Loaded once per process (the files are validated on load)."""
    return PortalRules(load_terms(terms_file or TERMS_FILE), load_profiles())


@dataclass(frozen=True, slots=True)
class AccountOwed:
    standing: AccountStanding
    facts: AccountFacts
    pending_minor: int  # received, not yet allocated by the daily cycle
    promise: OpenPromise | None
    plan: ActivePlan | None
    plan_next: tuple[date, int] | None  # the plan's next unpaid amount (due date, minor)

    @property
    def account_id(self) -> str:
        return self.standing.account_id

    @property
    def currency(self) -> str:
        return self.standing.currency

    @property
    def balance_minor(self) -> int:
        return self.facts.amount_due_minor

    @property
    def outstanding_minor(self) -> int:
        """What is owed now: the balance less payments still being processed."""
        return max(0, self.balance_minor - self.pending_minor)


def owed(scope: PortalScope, *, uow: SqlUnitOfWork) -> list[AccountOwed]:
    """Every account of the session's debtor."""
    with uow:
        return [_account_owed(uow, account_id) for account_id in scope.account_ids]


def account_owed(scope: PortalScope, account_id: str | None, *, uow: SqlUnitOfWork) -> AccountOwed:
    chosen = scope.require_account(account_id)
    with uow:
        return _account_owed(uow, chosen)


def _account_owed(uow: SqlUnitOfWork, account_id: str) -> AccountOwed:
    store = PortalStore(uow.connection)
    plan = store.active_plan(account_id)
    plan_next = (
        None if plan is None else _plan_next(plan, store.paid_since(account_id, plan.created_at))
    )
    return AccountOwed(
        standing=store.standing(account_id),
        facts=uow.robot_reads.account_facts(account_id, uow.clock.now()),
        pending_minor=store.pending_payments_minor(account_id),
        promise=store.open_promise(account_id),
        plan=plan,
        plan_next=plan_next,
    )


def _plan_next(plan: ActivePlan, paid_minor: int) -> tuple[date, int] | None:
    """The first item of the plan's schedule that payments since the plan do not cover yet."""
    for due_on, amount in plan.schedule:
        if paid_minor >= amount:
            paid_minor -= amount
            continue
        return due_on, amount - paid_minor
    return None


def negotiation_context(
    scope: PortalScope,
    account: AccountOwed,
    *,
    rules: PortalRules,
    now: datetime,
    lang: Lang | None = None,
) -> ConversationContext:
    """The robot's context for the account, on what is owed now. InvalidInput when nothing is
    owed (there is nothing to arrange)."""
    if account.outstanding_minor <= 0:
        raise InvalidInput(f"nothing is owed on account {account.account_id} now")
    profile = scope.jurisdiction
    facts = replace(account.facts, amount_due_minor=account.outstanding_minor)
    return build_context(
        facts,
        rules.terms[profile],
        lang=lang or ("zh" if scope.lang == "zh" else "en"),
        profile=profile,
        now=now,
        contact_id=None,
    )
