"""Domains, e-mail addresses and the request model."""

from __future__ import annotations

import pytest

from composer.errors import ValidationError
from composer.model import Request, Requester, display_domain, normalise_domain, validate_email


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("example.gr", "example.gr"),
        ("  Example.COM. ", "example.com"),
        ("https://www.example.com/contact?x=1", "example.com"),
        ("www.example.co.uk", "example.co.uk"),
        ("shop.example.com:8443", "shop.example.com"),
        ("παράδειγμα.gr", "xn--hxajbheg2az3al.gr"),
        ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
        ("ΠΑΡΆΔΕΙΓΜΑ.GR", "xn--hxajbheg2az3al.gr"),
        ("sales@example.gr", "example.gr"),
    ],
)
def test_domains_are_normalised_to_their_ascii_form(typed: str, expected: str) -> None:
    assert normalise_domain(typed) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "domain.empty"),
        ("   ", "domain.empty"),
        ("localhost", "domain.no_tld"),
        ("my site.com", "domain.invalid"),
        ("exa_mple.com", "domain.invalid"),
        ("-example.com", "domain.invalid"),
        ("192.168.1.1", "domain.invalid"),
        ("a" * 64 + ".com", "domain.invalid"),
    ],
)
def test_bad_domains_give_a_code_with_the_value(typed: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_domain(typed)
    assert caught.value.code == code
    assert str(caught.value)  # a sentence, not the code
    if typed.strip():
        assert caught.value.params["value"] == typed.strip()


def test_unicode_form_is_shown_back() -> None:
    assert display_domain("xn--hxajbheg2az3al.gr") == "παράδειγμα.gr"
    assert display_domain("example.com") == "example.com"


def test_email_addresses() -> None:
    assert validate_email(" maria@example.gr ") == "maria@example.gr"
    assert validate_email("sales@παράδειγμα.gr") == "sales@παράδειγμα.gr"
    assert validate_email("info@xn--hxajbheg2az3al.gr") == "info@παράδειγμα.gr"
    for bad in ("maria", "maria@", "@example.gr", "maria@example", "ma ria@example.gr", "a..b@example.gr"):
        with pytest.raises(ValidationError) as caught:
            validate_email(bad)
        assert caught.value.code == "email.invalid", bad
    with pytest.raises(ValidationError) as caught:
        validate_email("")
    assert caught.value.code == "email.empty"


def test_the_request_is_frozen_and_touched_copies_change_the_time() -> None:
    request = Request(requester=Requester(name="Maria"))
    with pytest.raises(Exception, match="frozen"):
        request.domain = "x.gr"  # type: ignore[misc]
    changed = request.touched(domain="example.gr")
    assert changed.domain == "example.gr" and request.domain == ""
    assert changed.updated_at >= request.updated_at
    assert changed.id == request.id


def test_json_round_trip_keeps_everything() -> None:
    request = Request(domain="example.gr", error_text="  550 5.1.1  \n\tverbatim  ", answers={"a": "b"})
    again = Request.model_validate_json(request.model_dump_json())
    assert again == request
    assert again.error_text == "  550 5.1.1  \n\tverbatim  "
