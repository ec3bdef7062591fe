"""Simulated borrowers over the HTTP API, in-process: each conversation gets a sample account of
its own in the database, the clock is set to mid-morning of the sample's day in the borrower's
time zone (so the gate's contact hours allow the contact), and every turn is an HTTP request
with an API token — the same path the portal and the voice channel take."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from huankuan.adapters.clock import FakeClock
from huankuan.adapters.storage.sample_store import SampleBorrower, add_sample_borrower
from huankuan.bootstrap import App
from huankuan.dialogue.context import ConversationContext
from huankuan.dialogue.tracker import Event
from huankuan.simulation.conversations import Reply

ZONES = {"CN-NIFA": "Asia/Shanghai", "US-RegF": "America/New_York"}
LOCALES = {"zh": "zh_CN", "en": "en_US"}
PHONES = {"CN-NIFA": "+86 138 0013 {:04d}", "US-RegF": "+1 212 555 {:04d}"}
CONTACT_TIME = time(10, 30)


class ApiLine:
    """A `RobotLine` (simulation/conversations.py) over the API."""

    def __init__(
        self, client: TestClient, token: str, application: App, clock: FakeClock, tag: str = ""
    ) -> None:
        self.client, self.application, self.clock = client, application, clock
        self.tag = tag  # keeps the sample ids of separate runs on one database apart
        self.headers = {"Authorization": f"Bearer {token}"}
        self.conversation_id: str | None = None
        self._context: ConversationContext | None = None
        self._events: list[Event] | None = None

    def open(self, context: ConversationContext) -> Reply:
        account_id = self._seed(context)
        zone = ZoneInfo(ZONES[context.profile])
        self.clock.set(datetime.combine(context.today, CONTACT_TIME, tzinfo=zone))
        body = {"account_id": account_id, "lang": context.lang, "profile": context.profile}
        started = self._post("/api/conversations", body, expect=201)
        self.conversation_id = str(started["id"])
        stored = self.events()
        self._events = None  # the conversation goes on: read it again at the end
        self._context = ConversationContext.from_json(dict(stored[0].data["context"]))  # type: ignore[arg-type]
        return Reply(str(started["state"]), bool(started["ended"]))

    def say(self, text: str) -> Reply:
        path = f"/api/conversations/{self.conversation_id}/messages"
        turn = self._post(path, {"text": text}, expect=200)
        return Reply(str(turn["state"]), bool(turn["ended"]))

    def context(self) -> ConversationContext:
        if self._context is None:
            raise RuntimeError("the line is not open")
        return self._context

    def events(self) -> list[Event]:
        if self._events is None:
            response = self.client.get(
                f"/api/conversations/{self.conversation_id}", headers=self.headers
            )
            _expect(response.status_code, 200, response.text)
            self._events = [Event.from_dict(raw) for raw in response.json()["events"]]
        return self._events

    def _post(self, path: str, body: dict[str, Any], *, expect: int) -> dict[str, Any]:
        self._events = None
        response = self.client.post(path, json=body, headers=self.headers)
        _expect(response.status_code, expect, response.text)
        result: dict[str, Any] = response.json()
        return result

    def _seed(self, context: ConversationContext) -> str:
        number = int(str(context.account_id).rsplit("-", 1)[-1])
        borrower = SampleBorrower(
            debtor_id=f"SIM{self.tag}-D{number:06d}",
            account_id=f"SIM{self.tag}-A{number:06d}",
            name=context.debtor_name,
            jurisdiction=context.profile,
            timezone=ZONES[context.profile],
            locale=LOCALES[context.lang],
            currency=context.currency,
            amount_due_minor=context.amount_due_minor,
            due_on=context.due_date,
            balance_as_of=context.today,
            phone=PHONES[context.profile].format(number % 10_000),
        )
        with self.application.engine.begin() as connection:
            add_sample_borrower(connection, borrower)
        return borrower.account_id


def _expect(status: int, expected: int, text: str) -> None:
    if status != expected:
        raise RuntimeError(f"the API answered {status} (expected {expected}): {text[:300]}")
