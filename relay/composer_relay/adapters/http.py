"""One place where a helpdesk's HTTP answers and failures become :class:`HelpdeskError` codes.

Every HTTP adapter sends through :func:`send`: a connection that never
opened means nothing reached the helpdesk; a write that timed out or broke
after the body left, or a 5xx to a write, may have created something
(``maybe_out``), which the worker settles by searching before it creates again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import httpx
from pydantic import Field

from composer_relay.adapters.base import AdapterSettings, HelpdeskError, HelpdeskTicket

__all__ = ["FieldName", "HttpSettings", "find_in_pages", "json_body", "retry_after", "send"]

FieldName = Literal["request_id", "domain", "account", "category", "customer_id"]


class HttpSettings(AdapterSettings):
    """What every HTTP helpdesk's ``[helpdesk]`` has: where, how long, which CA, the customer's link."""

    url: str = Field(pattern=r"^https?://", examples=["https://helpdesk.example.com"])
    web_url: str = Field("", examples=["https://helpdesk.example.com/tickets/{number}"])
    ca_file: str = Field("", examples=["/etc/ssl/certs/ca-certificates.crt"])
    timeout_seconds: float = Field(60.0, gt=0, examples=[60])

    def client(
        self,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> httpx.Client:
        """An HTTP client for the API under ``path``; no proxy from the environment, no redirects."""
        return httpx.Client(
            base_url=self.url.rstrip("/") + path,
            headers={"Accept": "application/json", **(headers or {})},
            auth=auth,
            timeout=self.timeout_seconds,
            verify=self.ca_file or True,
            transport=transport,
            trust_env=False,
        )

    def ticket(self, ticket_id: str, number: str) -> HelpdeskTicket:
        """The ticket, with the customer's link from ``web_url`` (``{number}`` and ``{id}`` filled in)."""
        web = self.web_url.format(number=number, id=ticket_id) if self.web_url else ""
        return HelpdeskTicket(id=ticket_id, number=number, web_url=web)


def send(client: httpx.Client, method: str, url: str, *, write: bool, **kwargs: Any) -> httpx.Response:
    """The response to a call that the helpdesk answered with a 2xx status.

    Raises:
        HelpdeskError: see :mod:`composer_relay.adapters.base` for the codes.
    """
    try:
        response = client.request(method, url, **kwargs)
    except httpx.ConnectError as exc:
        raise HelpdeskError("helpdesk.unreachable", type(exc).__name__) from None
    except httpx.ConnectTimeout as exc:
        raise HelpdeskError("helpdesk.unreachable", type(exc).__name__) from None
    except httpx.TimeoutException as exc:
        raise HelpdeskError("helpdesk.timeout", type(exc).__name__, maybe_out=write) from None
    except httpx.TransportError as exc:
        raise HelpdeskError("helpdesk.timeout", type(exc).__name__, maybe_out=write) from None
    status = response.status_code
    if 200 <= status < 300:
        return response
    detail = f"HTTP {status}: {_message(response)}"
    if status == 401:
        raise HelpdeskError("helpdesk.auth_failed", detail, retry=False)
    if status == 429 or status >= 500 or status == 408:
        raise HelpdeskError(
            "helpdesk.unavailable",
            detail,
            maybe_out=write and status >= 500,
            retry_after=retry_after(response),
        )
    raise HelpdeskError("helpdesk.rejected", detail, retry=False)


def find_in_pages(
    fetch: Callable[[int], tuple[list[Any], bool]], match: Callable[[dict[str, Any]], str | None]
) -> str | None:
    """The first ``match`` over a helpdesk's numbered pages (1, 2, ...), or None.

    ``fetch(page)`` answers that page's items and whether another page follows.
    """
    page = 1
    while True:
        items, more = fetch(page)
        for item in items:
            found = match(item) if isinstance(item, dict) else None
            if found is not None:
                return found
        if not items or not more:
            return None
        page += 1


def json_body(response: httpx.Response) -> Any:
    """The parsed JSON of a 2xx answer.

    Raises:
        HelpdeskError: ``helpdesk.bad_response`` when it is not JSON.
    """
    try:
        return response.json()
    except ValueError:
        raise HelpdeskError("helpdesk.bad_response", f"HTTP {response.status_code}: not JSON") from None


def retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if not isinstance(data, dict):
        return str(data)[:300]
    text = next((str(data[k]) for k in ("error_human", "message", "error", "description") if data.get(k)), "")
    errors = data.get("errors")
    if isinstance(errors, list):
        # Freshdesk and others: [{"field": ..., "message": ...}]: which field is what the operator needs
        text += "; " + "; ".join(
            f"{e.get('field', '')}: {e.get('message', '')}" if isinstance(e, dict) else str(e) for e in errors
        )
    elif isinstance(errors, dict):
        text += "; " + "; ".join(f"{k}: {v}" for k, v in errors.items())
    details = data.get("details")
    if isinstance(details, dict):
        # Zendesk: {"details": {"group_id": [{"description": "Group: is invalid"}]}}
        text += "; " + "; ".join(
            f"{name}: {item.get('description', item) if isinstance(item, dict) else item}"
            for name, items in details.items()
            for item in (items if isinstance(items, list) else [items])
        )
    return (text or str(data))[:300]
