"""Freshdesk through its API v2.

Written from Freshdesk's API reference, https://developers.freshdesk.com/api/
(Authentication, Create a Ticket, View a Ticket, Filter Tickets, Create a
Note, List All Conversations of a Ticket, Error handling):

- authentication: HTTP Basic with the agent's API key as the user name and
  ``X`` as the password;
- create: ``POST /api/v2/tickets`` as ``multipart/form-data`` (attachments
  can only be sent so): ``email``, ``name``, ``subject``, ``description``
  (HTML), ``status`` (2 open), ``priority`` (1 low, 2 medium, 3 high, 4
  urgent), ``source`` (2 portal), ``group_id`` per category,
  ``cc_emails`` (the document's ``copy_to``: an array of addresses),
  ``custom_fields[<name>]`` and every file as ``attachments[]`` (at most
  20 MB together, refused before sending); the ticket's ``id`` is the number
  people see (``#<id>``);
- follow-up: ``POST /api/v2/tickets/{id}/notes`` with ``incoming=true`` and
  ``private=false`` (a public note that reads as coming from outside); one
  whose outcome is unknown is looked for in ``GET
  /api/v2/tickets/{id}/conversations`` (``per_page`` up to 100, ``page``),
  by the follow-up id in the note's ``body_text``;
- state: ``GET /api/v2/tickets/{id}``, ``status`` 2 open, 3 pending, 4
  resolved, 5 closed;
- search: ``GET /api/v2/search/tickets?query="cf_request_id:'...'"`` on the
  request-id custom field;
- errors: 400 ``{"description": "Validation failed", "errors": [{"field",
  "message", "code"}]}``, 401 ``invalid_credentials``, 403, 404, 429 with
  ``Retry-After``.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import IO, Any, Literal

import httpx
from pydantic import Field, SecretStr

from composer_relay.adapters.base import (
    Capabilities,
    HelpdeskError,
    HelpdeskTicket,
    Outgoing,
    OutgoingFile,
    OutgoingMessage,
    mentions,
)
from composer_relay.adapters.http import FieldName, HttpSettings, find_in_pages, json_body, send
from composer_relay.wire import TicketState

__all__ = ["FreshdeskAdapter", "Settings"]

ATTACHMENT_LIMIT = 20 * 1024 * 1024
STATES = {2: TicketState.OPEN, 3: TicketState.WAITING, 4: TicketState.RESOLVED, 5: TicketState.CLOSED}


class Settings(HttpSettings):
    kind: Literal["freshdesk"]
    api_key: SecretStr
    group_id: int | None = Field(None, examples=[7001])
    groups: dict[str, int] = Field(default_factory=dict, examples=[{"mail_sending": 7002}])
    priorities: dict[str, int] = Field(
        default_factory=lambda: {"critical": 4, "high": 3, "normal": 2, "low": 1},
        examples=[{"critical": 4, "high": 3, "normal": 2, "low": 1}],
    )
    custom_fields: dict[FieldName, str] = Field(
        default_factory=dict, examples=[{"request_id": "cf_request_id", "domain": "cf_domain"}]
    )

    def build(self) -> FreshdeskAdapter:
        return FreshdeskAdapter(self)


class FreshdeskAdapter:
    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.capabilities = Capabilities(
            label="Freshdesk (API v2)",
            find_by_request_id="request_id" in settings.custom_fields,
            follow_up=True,
            status=True,
            find_message=True,
            max_files_bytes=ATTACHMENT_LIMIT,
        )
        self._client = settings.client(
            "/api/v2/", auth=(settings.api_key.get_secret_value(), "X"), transport=transport
        )

    def close(self) -> None:
        self._client.close()

    def _ticket(self, data: object) -> HelpdeskTicket:
        if not isinstance(data, dict) or "id" not in data:
            raise HelpdeskError("helpdesk.bad_response", "no ticket id in Freshdesk's answer", maybe_out=True)
        return self.settings.ticket(str(data["id"]), str(data["id"]))

    def create(self, ticket: Outgoing) -> HelpdeskTicket:
        _check_size(ticket.files)
        values = ticket.field_values()
        data: dict[str, str] = {
            "email": ticket.requester_email,
            "name": ticket.requester_name or ticket.requester_email,
            "subject": ticket.subject,
            "description": _html(ticket.body),
            "status": "2",
            "priority": str(self.settings.priorities.get(ticket.urgency, 2)),
            "source": "2",
        }
        group = self.settings.groups.get(ticket.category, self.settings.group_id)
        if group is not None:
            data["group_id"] = str(group)
        for ours, name in self.settings.custom_fields.items():
            if values[ours]:
                data[f"custom_fields[{name}]"] = values[ours]
        return self._ticket(json_body(self._post("tickets", data, ticket.files, cc=ticket.cc)))

    def _post(
        self, url: str, data: dict[str, str], files: tuple[OutgoingFile, ...], *, cc: tuple[str, ...] = ()
    ) -> httpx.Response:
        """Multipart with files, else JSON: with no file httpx would send a form, which Freshdesk refuses.

        ``cc`` is the ticket's ``cc_emails``: an array in JSON, one ``cc_emails[]`` part each in a form.
        """
        if not files:
            typed = _typed(data)
            if cc:
                typed["cc_emails"] = list(cc)
            return send(self._client, "POST", url, write=True, json=typed)
        form: dict[str, str | list[str]] = {**data, **({"cc_emails[]": list(cc)} if cc else {})}
        with ExitStack() as stack:
            return send(self._client, "POST", url, write=True, data=form, files=_files(stack, files))

    def find(self, request_id: str, *, reference: str = "") -> HelpdeskTicket | None:
        name = self.settings.custom_fields.get("request_id")
        if not name:
            raise HelpdeskError("helpdesk.rejected", "no request id custom field configured", retry=False)
        quoted = request_id.replace("'", "\\'")
        response = send(
            self._client, "GET", "search/tickets", write=False, params={"query": f"\"{name}:'{quoted}'\""}
        )
        data = json_body(response)
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list):
            raise HelpdeskError("helpdesk.bad_response", "no results in Freshdesk's search answer")
        if not results:
            return None
        return self._ticket(min(results, key=lambda t: int(t.get("id", 0))))

    def add_message(self, ticket: HelpdeskTicket, message: OutgoingMessage) -> str:
        _check_size(message.files)
        data = {"body": _html(message.body()), "private": "false", "incoming": "true"}
        answer = json_body(self._post(f"tickets/{ticket.id}/notes", data, message.files))
        return str(answer.get("id", message.message_id)) if isinstance(answer, dict) else message.message_id

    def find_message(self, ticket: HelpdeskTicket, message_id: str) -> str | None:
        def fetch(page: int) -> tuple[list[Any], bool]:
            params = {"per_page": "100", "page": str(page)}
            url = f"tickets/{ticket.id}/conversations"
            data = json_body(send(self._client, "GET", url, write=False, params=params))
            if not isinstance(data, list):
                raise HelpdeskError("helpdesk.bad_response", "no conversation list in Freshdesk's answer")
            return data, len(data) == 100

        def match(note: dict[str, Any]) -> str | None:
            return (
                str(note.get("id", message_id))
                if mentions(str(note.get("body_text") or ""), message_id)
                else None
            )

        return find_in_pages(fetch, match)

    def state(self, ticket: HelpdeskTicket) -> TicketState | None:
        data = json_body(send(self._client, "GET", f"tickets/{ticket.id}", write=False))
        status = data.get("status") if isinstance(data, dict) else None
        return STATES.get(int(status), TicketState.OPEN) if isinstance(status, int) else None


def _typed(data: dict[str, str]) -> dict[str, Any]:
    """The form's values as Freshdesk's JSON wants them: numbers, booleans, ``custom_fields`` an object."""
    typed: dict[str, Any] = {}
    custom: dict[str, str] = {}
    for key, value in data.items():
        if key.startswith("custom_fields["):
            custom[key[len("custom_fields[") : -1]] = value
        elif key in _NUMBERS:
            typed[key] = int(value)
        elif key in _BOOLEANS:
            typed[key] = value == "true"
        else:
            typed[key] = value
    if custom:
        typed["custom_fields"] = custom
    return typed


_NUMBERS = frozenset({"status", "priority", "source", "group_id"})
_BOOLEANS = frozenset({"private", "incoming"})


def _check_size(files: tuple[OutgoingFile, ...]) -> None:
    if sum(file.size for file in files) > ATTACHMENT_LIMIT:
        raise HelpdeskError("helpdesk.rejected", "attachments over Freshdesk's 20 MB limit", retry=False)


def _files(stack: ExitStack, files: tuple[OutgoingFile, ...]) -> list[tuple[str, tuple[str, IO[bytes], str]]]:
    return [("attachments[]", (f.name, stack.enter_context(f.path.open("rb")), f.media_type)) for f in files]


def _html(text: str) -> str:
    from html import escape

    return "<br>".join(escape(line) for line in text.splitlines())
