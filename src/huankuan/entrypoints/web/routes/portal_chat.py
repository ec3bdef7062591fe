"""Pages: chatting with the collection robot from the borrower portal (htmx: a message posts and
the chat panel is swapped for the updated one without reloading; without JavaScript the form
posts and the page reloads). Only the session's own conversations are reachable."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from huankuan.domain.errors import ContactBlocked, ConversationEnded
from huankuan.domain.portal import PortalScope
from huankuan.entrypoints.api.portal_deps import PortalSession
from huankuan.entrypoints.web.deps import PageApp
from huankuan.entrypoints.web.routes.portal_common import page
from huankuan.service_layer import portal_chat

router = APIRouter(include_in_schema=False)


@router.get("/p/chat")
def chat(request: Request, application: PageApp, scope: PortalSession) -> Response:
    return page(request, "portal/chat.html", _panel(application, scope))


def _panel(application: PageApp, scope: PortalScope) -> dict[str, Any]:
    """The latest of the session's conversations, as the borrower saw it."""
    own = portal_chat.own_conversations(scope, uow=application.uow())
    if not own:
        return {"conversation_id": None, "lines": [], "ended": False}
    found = portal_chat.transcript(scope, own[-1], uow=application.uow())
    return {
        "conversation_id": own[-1],
        "lines": portal_chat.visible_lines(found),
        "ended": found.state.ended,
    }


@router.post("/p/chat/start")
def start(request: Request, application: PageApp, scope: PortalSession) -> Response:
    try:
        portal_chat.start_chat(
            scope,
            account_id=None,
            lang=request.state.lang,
            uow=application.uow(),
            robot=application.robot(),
        )
    except ContactBlocked:
        context = _panel(application, scope) | {"error": "portal_chat_unavailable"}
        return page(request, "portal/chat.html", context, status_code=409)
    return RedirectResponse("/p/chat", status_code=303)


@router.post("/p/chat/message")
def message(
    request: Request,
    application: PageApp,
    scope: PortalSession,
    conversation_id: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    status = 200
    try:
        portal_chat.send(
            scope, conversation_id, text, uow=application.uow(), robot=application.robot()
        )
    except ConversationEnded:
        status = 409
    if not request.headers.get("hx-request"):
        return RedirectResponse("/p/chat", status_code=303)
    return page(request, "portal/_chat_panel.html", _panel(application, scope), status_code=status)
