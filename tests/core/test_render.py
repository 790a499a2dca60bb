"""What the agent reads, and the bundle that carries it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from composer.errors import BundleError
from composer.model import SCHEMA_VERSION, Request
from composer.profile import load_profile
from composer.render import read_bundle, render_json, render_subject, render_text, write_bundle
from composer.store import Store
from tests.core.factories import good_mail_request


@pytest.fixture()
def store(data_dir: Path) -> Store:
    with Store(data_dir) as store:
        yield store  # type: ignore[misc]


def test_text_names_everything_the_provider_asks_for() -> None:
    text = render_text(good_mail_request(), load_profile())
    for expected in (
        "Demo Hosting",
        "Mail from Gmail senders to sales@ does not arrive",
        "E-mail is not arriving",
        "Maria Papadopoulou",
        "maria@example.gr",
        "Owner or administrator",
        "example.gr",
        "Mailbox:",
        "sales@example.gr",
        "Laptop, Windows 11",
        "Outlook 2021",
        "2026-11-21 15:00 (UTC+02:00)",
        "yesterday around 15:00",
        "Yes, it worked until then",
        "> 550 5.1.1 <sales@example.gr>: Recipient address rejected: User unknown",
        "mailbox does not exist",
        "Only from Gmail / Outlook.com senders",
        "Restarted Outlook.",
        "the same working day",
    ):
        assert expected in text, expected


def test_error_text_is_kept_verbatim() -> None:
    error = "Fatal error: Uncaught Error in /home/u/public_html/wp-includes/x.php:12\n  #0 {main}"
    request = good_mail_request().model_copy(update={"error_text": error})
    text = render_text(request, load_profile())
    assert "    > Fatal error: Uncaught Error in /home/u/public_html/wp-includes/x.php:12" in text
    assert "    >   #0 {main}" in text


def test_idn_domain_is_shown_both_ways() -> None:
    request = good_mail_request().model_copy(update={"domain": "παράδειγμα.gr"})
    assert "παράδειγμα.gr (xn--hxajbheg2az3al.gr)" in render_text(request, load_profile())


def test_subject() -> None:
    subject = render_subject(good_mail_request(), load_profile())
    assert subject == "E-mail is not arriving – example.gr: Mail from Gmail senders to sales@ does not arrive"
    assert render_subject(Request(), load_profile()) == "Support request"


def test_json_carries_the_schema_version() -> None:
    document = json.loads(render_json(good_mail_request()))
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["request"]["account"] == "sales@example.gr"


def test_bundle_round_trip_with_attachments(store: Store, tmp_path: Path) -> None:
    first = store.add_attachment_bytes("bounce.eml", b"From: MAILER-DAEMON\r\n\r\n550 5.1.1")
    second = store.add_attachment_bytes("shot.png", bytes(range(256)) * 100)
    same_name = store.add_attachment_bytes("shot.png", b"another picture")
    request = good_mail_request().model_copy(update={"attachments": (first, second, same_name)})
    path = write_bundle(request, load_profile(), store, tmp_path / "out" / "request")
    assert path.name == "request.zip"
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
        assert {
            "request.txt",
            "request.json",
            "attachments/bounce.eml",
            "attachments/shot.png",
            "attachments/shot (2).png",
        } <= names
        assert bundle.read("attachments/shot.png") == bytes(range(256)) * 100
        assert "bounce.eml" in bundle.read("request.txt").decode()
    with Store(tmp_path / "elsewhere") as other:
        loaded = read_bundle(path, other)
        assert loaded == request
        assert other.attachment_path(second).read_bytes() == bytes(range(256)) * 100


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return path


def test_unreadable_bundles_say_why(store: Store, tmp_path: Path) -> None:
    cases = {
        "bundle.not_found": tmp_path / "missing.zip",
        "bundle.not_zip": tmp_path / "text.zip",
        "bundle.no_request": _zip(tmp_path / "other.zip", {"readme.txt": b"hello"}),
        "bundle.invalid": _zip(tmp_path / "broken.zip", {"request.json": b"{not json"}),
    }
    (tmp_path / "text.zip").write_text("this is not a zip")
    newer = json.loads(render_json(good_mail_request()))
    newer["schema_version"] = SCHEMA_VERSION + 1
    cases["bundle.newer"] = _zip(tmp_path / "newer.zip", {"request.json": json.dumps(newer).encode()})
    wrong = json.loads(render_json(good_mail_request()))
    wrong["request"]["urgency"] = "whenever"
    cases["bundle.invalid "] = _zip(tmp_path / "wrong.zip", {"request.json": json.dumps(wrong).encode()})
    for code, path in cases.items():
        with pytest.raises(BundleError) as caught:
            read_bundle(path, store)
        assert caught.value.code == code.strip(), path
        assert str(caught.value) and "Traceback" not in str(caught.value)


def test_an_attachment_gone_from_the_store_is_reported(store: Store, tmp_path: Path) -> None:
    with pytest.raises(BundleError) as caught:
        write_bundle(good_mail_request(), load_profile(), store, tmp_path / "r.zip")
    assert caught.value.code == "attachment.missing"
    assert caught.value.params["name"] == "bounce.eml"


def test_damaged_attachment_is_refused(store: Store, tmp_path: Path) -> None:
    attachment = store.add_attachment_bytes("log.txt", b"original")
    request = good_mail_request().model_copy(update={"attachments": (attachment,)})
    path = _zip(
        tmp_path / "damaged.zip",
        {"request.json": render_json(request).encode(), "attachments/log.txt": b"tampered"},
    )
    with pytest.raises(BundleError) as caught:
        read_bundle(path, store)
    assert caught.value.code == "bundle.invalid"


def test_writing_into_a_missing_place_is_an_error(store: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BundleError) as caught:
        request = good_mail_request().model_copy(update={"attachments": ()})
        write_bundle(request, load_profile(), store, blocker / "sub" / "r.zip")
    assert caught.value.code == "bundle.write_failed"
    assert not list(tmp_path.glob("**/.request-*"))
