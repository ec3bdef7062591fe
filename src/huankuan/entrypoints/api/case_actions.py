"""What the cases API and the workbench pages share: the actions an agent takes on a case, each
with its handler and what that handler needs besides the unit of work and the acting user (the
rules, the content guard, what signs a portal link), made from the application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huankuan.bootstrap import App
from huankuan.domain.users import Principal
from huankuan.entrypoints.api.portal_deps import portal_tokens
from huankuan.service_layer import (
    agent_actions,
    agent_agreements,
    agent_messages,
    portal_invite,
)
from huankuan.service_layer.workbench_gate import CaseRules, packaged_rules

Services = Callable[[App], dict[str, Any]]


def case_rules(application: App) -> CaseRules:
    return packaged_rules(application.settings.robot_terms_file)


def _nothing(application: App) -> dict[str, Any]:
    return {}


def _rules(application: App) -> dict[str, Any]:
    return {"rules": case_rules(application)}


def _messaging(application: App) -> dict[str, Any]:
    return {**_rules(application), "guard": application.robot().guard}


def _portal_messaging(application: App) -> dict[str, Any]:
    tokens = portal_tokens(application)
    return {**_messaging(application), "settings": application.settings, "tokens": tokens}


@dataclass(frozen=True, slots=True)
class CaseAction:
    handler: Callable[..., Any]
    services: Services = _nothing

    def run(self, cmd: object, application: App, principal: Principal) -> Any:
        """The handler's answer (an id, or what was logged or sent)."""
        services = self.services(application)
        return self.handler(cmd, uow=application.uow(), principal=principal, **services)


# By the path under /api/cases/{case_id}/ (and /work/cases/{case_id}/) that takes the action.
CASE_ACTIONS: dict[str, CaseAction] = {
    "outcomes": CaseAction(agent_actions.log_call_outcome, _rules),
    "promises": CaseAction(agent_agreements.record_promise, _rules),
    "plans": CaseAction(agent_agreements.record_plan, _rules),
    "messages": CaseAction(agent_messages.send_message, _messaging),
    "portal-links": CaseAction(portal_invite.send_portal_link, _portal_messaging),
    "notes": CaseAction(agent_actions.add_note),
    "disputes": CaseAction(agent_actions.open_dispute, _rules),
    "complaints": CaseAction(agent_actions.open_complaint),
    "holds": CaseAction(agent_actions.place_hold),
}
