"""Passwords typed into the request's own fields never reach what leaves the machine."""

from __future__ import annotations

import json
from pathlib import Path

from composer.channels.email import build_message
from composer.model import Request, Requester
from composer.profile import load_profile
from composer.render import render_json, render_subject, render_text
from composer.scrub_request import field_secrets, scrub_request

SECRET = "Zagreb#2024xq"


def _request(**changes: object) -> Request:
    base = Request(
        requester=Requester(name="Ivana Horvat", email="ivana@dizajn.example"),
        category="site_down",
        domain="klijent.example",
        summary="Site shows a database error",
        error_text="Error establishing a database connection",
        tried=f"Checked wp-config.php: DB_PASSWORD '{SECRET}', DB_HOST localhost",
        answers={"recent_changes": f"moja lozinka je {SECRET}"},
    )
    return base.model_copy(update=changes)


def test_every_rendering_leaves_out_a_typed_password() -> None:
    profile = load_profile()
    request = _request(summary=f"wp login: password is {SECRET}")
    assert SECRET not in render_text(request, profile)
    assert SECRET not in render_json(request)
    assert SECRET not in render_subject(request, profile)
    text = render_text(request, profile)
    assert "DB_PASSWORD '[removed]', DB_HOST localhost" in text  # the name stays, for the agent
    document = json.loads(render_json(request))
    assert document["request"]["answers"]["recent_changes"] == "moja lozinka je [removed]"


def test_the_e_mail_carries_no_typed_password(tmp_path: Path) -> None:
    request = _request()
    message = build_message(
        request,
        load_profile(),
        to="support@demo-hosting.example",
        idempotency_key="key-1",
        attachment_path=lambda attachment: tmp_path / attachment.name,
    )
    assert SECRET not in message.as_string()


def test_what_the_user_kept_as_not_secret_stays() -> None:
    request = _request(tried="token: ORDER-2024-77x is the order number", not_secrets=("ORDER-2024-77x",))
    assert "ORDER-2024-77x" in render_text(request, load_profile())
    assert "tried" not in field_secrets(request)


def test_every_text_field_is_looked_at() -> None:
    request = _request(
        account=f"ftp://klijent:{SECRET}@ftp.klijent.example",
        description=f"Пароль: {SECRET}",
        requester=Requester(name="Ivana", email="ivana@dizajn.example", on_behalf_of=f"pass {SECRET}"),
    )
    found = field_secrets(request)
    assert {"account", "description", "requester.on_behalf_of", "tried", "answers.recent_changes"} <= set(
        found
    )
    clean = scrub_request(request)
    assert SECRET not in clean.model_dump_json()
