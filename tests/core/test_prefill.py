"""Signed pre-fill links: round trips, every way a link can be refused, and fuzzing of the parsers."""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer import prefill
from composer.errors import describe
from composer.model import Request, Urgency

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()
PUBLIC = prefill.public_key_line(KEY)
CATEGORIES = {"mail_receive", "website_down", "other"}


def _token(**fields: object) -> str:
    return prefill.sign_prefill(
        KEY,
        prefill.PrefillFields.model_validate(fields or {"domain": "example.gr"}),
        staff="Eleni (support)",
        provider="Example Hosting",
        lifetime=timedelta(hours=2),
        now=NOW,
    )


def _code(error: pytest.ExceptionInfo[prefill.PrefillError]) -> str:
    return error.value.code


def test_round_trip_through_every_form_of_link(tmp_path: Path) -> None:
    token = _token(
        domain="παράδειγμα.gr", account="sales@example.gr", category="mail_receive", note="Ως συζητήσαμε"
    )
    links = [
        token,
        prefill.link_for(token),
        prefill.link_for(token, https_base="https://support.example.net/prefill"),
        f"https://support.example.net/prefill?t={token}",
    ]
    for link in links:
        verified = prefill.read_prefill(link, PUBLIC, now=NOW + timedelta(minutes=5))
        assert verified.staff == "Eleni (support)"
        assert verified.fields.domain == "παράδειγμα.gr"
        assert verified.fields.note == "Ως συζητήσαμε"
    file = tmp_path / "support.prefill"
    file.write_text(prefill.link_for(token) + "\n", encoding="utf-8")
    assert (
        prefill.read_prefill(file.read_text(encoding="utf-8"), PUBLIC, now=NOW).fields.category
        == "mail_receive"
    )


def test_applying_fills_only_empty_fields_and_leaves_out_what_the_form_refuses() -> None:
    verified = prefill.read_prefill(
        _token(domain="Example.GR", account="sales@example.gr", category="no_such", urgency="high"),
        PUBLIC,
        now=NOW,
    )
    request, ignored = prefill.apply_prefill(
        Request(account="own@example.gr"), verified, categories=CATEGORIES
    )
    assert request.domain == "example.gr"
    assert request.account == "own@example.gr"  # the customer's own value stays
    assert request.urgency is Urgency.HIGH
    assert request.category == ""
    assert ignored == ["category"]
    bad = prefill.read_prefill(_token(domain="exa mple.gr", category="other"), PUBLIC, now=NOW)
    request, ignored = prefill.apply_prefill(Request(), bad, categories=CATEGORIES)
    assert (request.domain, request.category, ignored) == ("", "other", ["domain"])


def test_a_prefill_cannot_say_where_a_request_goes() -> None:
    for field in ("channels", "url", "to", "token", "password", "skip_review", "provider_profile"):
        assert field not in prefill.PREFILL_FIELDS
        with pytest.raises(ValueError):
            prefill.PrefillFields.model_validate({field: "x"})


def test_expired_and_future_links_are_refused() -> None:
    token = _token()
    with pytest.raises(prefill.PrefillError) as error:
        prefill.verify_token(token, PUBLIC, now=NOW + timedelta(hours=2))
    assert _code(error) == "prefill.expired"
    assert "2026-12-01T12:00" in describe(error.value.code, error.value.params)[0]
    with pytest.raises(prefill.PrefillError) as error:
        prefill.verify_token(token, PUBLIC, now=NOW - timedelta(hours=1))
    assert _code(error) == "prefill.not_yet_valid"
    # a few minutes of clock difference between staff and customer are fine
    prefill.verify_token(token, PUBLIC, now=NOW - timedelta(minutes=4))


def test_tampered_payload_is_refused_even_when_it_still_parses() -> None:
    version, body, signature = _token(domain="example.gr").split(".")
    document = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    document["fields"]["domain"] = "attacker.example"
    forged = base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()
    with pytest.raises(prefill.PrefillError) as error:
        prefill.verify_token(f"{version}.{forged}.{signature}", PUBLIC, now=NOW)
    assert _code(error) == "prefill.bad_signature"


def test_a_link_signed_by_another_key_is_refused() -> None:
    other = prefill.public_key_line(Ed25519PrivateKey.generate())
    with pytest.raises(prefill.PrefillError) as error:
        prefill.verify_token(_token(), other, now=NOW)
    assert _code(error) == "prefill.bad_signature"


@pytest.mark.parametrize(
    ("mangle", "code"),
    [
        (lambda t: t.rsplit(".", 1)[0], "prefill.malformed"),
        (lambda t: t.rsplit(".", 1)[0] + ".", "prefill.malformed"),
        (lambda t: t[: len(t) // 2], "prefill.malformed"),
        (lambda t: t[:-3], "prefill.bad_signature"),
        (lambda t: "rcp2." + t.split(".", 1)[1], "prefill.unsupported"),
        (lambda t: "request-composer://prefill?domain=example.gr", "prefill.unsigned"),
        (lambda t: "request-composer://evil?t=" + t, "prefill.malformed"),
        (lambda t: "http://support.example.net/#t=" + t, "prefill.malformed"),
        (lambda t: t + "." + t, "prefill.malformed"),
        (lambda t: "rcp1." + "A" * 7000 + ".x", "prefill.too_large"),
        (lambda t: f"request-composer://prefill?t={t}&t={t}", "prefill.malformed"),
    ],
)
def test_broken_links_are_refused_with_the_right_reason(mangle: object, code: str) -> None:
    text = mangle(_token())  # type: ignore[operator]
    with pytest.raises(prefill.PrefillError) as error:
        prefill.read_prefill(text, PUBLIC, now=NOW)
    assert _code(error) == code
    message, next_step = describe(error.value.code, error.value.params)
    assert message and next_step and "{" not in message


def test_profile_without_or_with_a_broken_key() -> None:
    with pytest.raises(prefill.PrefillError) as error:
        prefill.read_prefill(_token(), "", now=NOW)
    assert _code(error) == "prefill.no_key"
    for line in ("rsa:AAAA", "ed25519:not-base64!", "ed25519:" + base64.b64encode(b"short").decode()):
        with pytest.raises(prefill.PrefillError) as error:
            prefill.read_prefill(_token(), line, now=NOW)
        assert _code(error) == "prefill.bad_key"


def test_lifetime_and_size_limits_when_signing() -> None:
    fields = prefill.PrefillFields(domain="example.gr")
    for lifetime in (timedelta(0), timedelta(days=31)):
        with pytest.raises(prefill.PrefillError) as error:
            prefill.sign_prefill(KEY, fields, staff="Eleni", lifetime=lifetime, now=NOW)
        assert _code(error) == "prefill.bad_lifetime"
    with pytest.raises(ValueError):
        prefill.PrefillFields(note="x" * 1001)


def test_private_key_file_is_private_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "staff.key"
    key = prefill.generate_key(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert prefill.public_key_line(prefill.load_private_key(path)) == prefill.public_key_line(key)
    before = path.read_bytes()
    with pytest.raises(prefill.PrefillError) as error:
        prefill.generate_key(path)
    assert _code(error) == "prefill.key_exists"
    assert path.read_bytes() == before
    (tmp_path / "junk.key").write_text("not a key", encoding="utf-8")
    with pytest.raises(prefill.PrefillError) as error:
        prefill.load_private_key(tmp_path / "junk.key")
    assert _code(error) == "prefill.key_unreadable"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_fuzz_any_text_is_refused_cleanly(text: str) -> None:
    with pytest.raises(prefill.PrefillError):
        prefill.read_prefill(text, PUBLIC, now=NOW)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.binary(min_size=1, max_size=4))
def test_fuzz_a_changed_byte_is_never_accepted(position: int, noise: bytes) -> None:
    token = _token(domain="example.gr", category="other")
    index = position % len(token)
    replacement = base64.urlsafe_b64encode(noise).decode()[0]
    changed = token[:index] + replacement + token[index + 1 :]
    if changed == token:
        return
    try:
        verified = prefill.read_prefill(changed, PUBLIC, now=NOW)
    except prefill.PrefillError:
        return
    # base64url's last character can carry unused bits: the same bytes, still signed
    assert verified.fields == prefill.read_prefill(token, PUBLIC, now=NOW).fields


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "domain": st.text(max_size=60),
            "account": st.text(max_size=60),
            "summary": st.text(max_size=200),
            "note": st.text(max_size=300),
            "category": st.sampled_from([*sorted(CATEGORIES), "x"]),
        },
    )
)
def test_fuzz_signed_fields_survive_the_round_trip(fields: dict[str, str]) -> None:
    model = prefill.PrefillFields.model_validate(fields)
    token = prefill.sign_prefill(KEY, model, staff="Ana", lifetime=timedelta(minutes=30), now=NOW)
    verified = prefill.read_prefill(prefill.link_for(token), PUBLIC, now=NOW)
    assert verified.fields == model
    prefill.apply_prefill(Request(), verified, categories=CATEGORIES)


def test_a_relay_answer_counts_only_by_its_signed_token() -> None:
    token = _token(domain="example.gr")
    verified = prefill.read_relay_prefill(
        {"code": "K7P-2Q", "token": token, "fields": {"domain": "attacker.example"}}, PUBLIC, now=NOW
    )
    assert verified.fields.domain == "example.gr"
    for document in ({"code": "K7P-2Q", "fields": {"domain": "example.gr"}}, [], {"token": 5}):
        with pytest.raises(prefill.PrefillError) as error:
            prefill.read_relay_prefill(document, PUBLIC, now=NOW)
        assert _code(error) == "prefill.unsigned"
