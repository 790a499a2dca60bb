"""The channel registry: a channel registered in a test is validated, built and sent through."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pytest
from keyring.backends import fail

from composer.channels import registry
from composer.channels.base import DeliveryError, FailureKind, FollowUp, SendContext
from composer.channels.factory import ChannelFactory
from composer.channels.registry import Capability, ChannelSettings, ChannelSpec, CredentialShape
from composer.credentials import Credentials
from composer.errors import ProfileError
from composer.model import Receipt, Request
from composer.profile import ProviderProfile, load_profile_text, profile_json_schema
from composer.store import Store
from tests.servers.intake import make_request

PROFILE = """
[provider]
id = "pigeon-hosting"
name = "Pigeon Hosting"
[[channels]]
kind = "helpdesk"
helpdesk = "pigeon"
loft = "north"
[[channels]]
kind = "file"
"""


class PigeonSettings(ChannelSettings):
    kind: Literal["helpdesk"]
    helpdesk: Literal["pigeon"]
    loft: str


class PigeonChannel:
    name = "pigeon"

    def __init__(self, loft: str, sent: list[tuple[str, str]]) -> None:
        self.loft = loft
        self.sent = sent

    def send(self, request: Request, context: SendContext) -> Receipt:
        self.sent.append((self.loft, request.id))
        return Receipt(channel=self.name, reference=f"P-{len(self.sent)}", sent_at=datetime.now(UTC))

    def send_follow_up(self, follow_up: FollowUp, context: SendContext) -> Receipt:
        raise DeliveryError("delivery.unsupported_channel", kind=FailureKind.CONFIG, channel=self.name)


@pytest.fixture()
def pigeon() -> Iterator[list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []

    def build(settings: PigeonSettings, _profile: ProviderProfile, _factory: ChannelFactory) -> PigeonChannel:
        return PigeonChannel(settings.loft, sent)

    def who(_settings: Any, request: Request, _factory: ChannelFactory) -> str:
        return f"pigeon:{request.requester.email}"

    registry.register(
        ChannelSpec(
            key="pigeon",
            settings=PigeonSettings,
            label="carrier pigeon",
            capabilities=frozenset({Capability.CREATE}),
            build=build,
            credential=CredentialShape(label="Ring number", identity=who),
        )
    )
    yield sent
    registry.unregister("pigeon")


def test_built_in_channels_declare_themselves() -> None:
    keys = {spec.key: spec for spec in registry.specs()}
    assert {"intake", "email", "file"} <= set(keys)
    assert keys["intake"].can(Capability.STATUS) and keys["intake"].credential is not None
    assert keys["email"].can(Capability.FOLLOW_UP) and not keys["email"].can(Capability.STATUS)
    assert keys["file"].local and keys["file"].default
    assert not keys["rt"].available  # announced, not built: the outbox offers the next channel


def test_a_registered_channel_validates_builds_and_sends(
    pigeon: list[tuple[str, str]], tmp_path: Path
) -> None:
    from composer.delivery import OutboxWorker
    from composer.outbox import OutboxState, get_entry

    profile = load_profile_text(PROFILE)
    entry = profile.channels[0]
    assert isinstance(entry, PigeonSettings) and entry.loft == "north"
    assert profile.sends_directly()
    schema = json.loads(profile_json_schema())
    assert {"$ref": "#/$defs/PigeonSettings"} in schema["properties"]["channels"]["items"]["oneOf"]
    # stored in the outbox and read back: the profile snapshot keeps the model
    assert ProviderProfile.model_validate_json(profile.model_dump_json()) == profile

    with Store(tmp_path / "data") as store:
        factory = ChannelFactory(store, Credentials(backend=fail.Keyring()), tmp_path / "bundles")
        request = make_request(store)
        assert factory.credential_identity(entry, request) == "pigeon:maria@example.gr"
        worker = OutboxWorker(store, factory)
        queued = worker.submit(request, profile)
        assert worker.run_once()
        sent = get_entry(store, queued.id)
    assert sent is not None and sent.state is OutboxState.SENT
    assert sent.receipt is not None and sent.receipt.reference == "P-1"
    assert pigeon == [("north", request.id)]


def test_its_settings_are_checked_like_any_other(pigeon: list[tuple[str, str]]) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile_text(PROFILE.replace('loft = "north"\n', 'perch = "north"\n'))
    # each error names its line too ("line 5, channels[0].loft")
    fields = [field.split(", ", 1)[-1] for field, _message in caught.value.params["errors"]]
    assert fields == ["channels[0].loft", "channels[0].perch"]


def test_without_the_module_the_profile_is_refused_at_the_helpdesk_field() -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile_text(PROFILE)
    [(field, message)] = caught.value.params["errors"]
    assert field.endswith("channels[0].helpdesk") and "intake" in message


def test_an_unknown_kind_is_refused_at_the_kind_field() -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile_text(PROFILE.replace('kind = "helpdesk"', 'kind = "fax"'))
    [(field, message)] = caught.value.params["errors"]
    assert field.endswith("channels[0].kind") and "email" in message


def test_an_announced_helpdesk_is_unsupported_at_send_time(tmp_path: Path) -> None:
    profile = load_profile_text(
        PROFILE.replace('"pigeon"\nloft = "north"', '"rt"\nurl = "https://rt.example/"')
    )
    with Store(tmp_path / "data") as store:
        factory = ChannelFactory(store, Credentials(backend=fail.Keyring()), tmp_path / "bundles")
        with pytest.raises(DeliveryError) as caught:
            factory.make(profile.channels[0], profile)
    assert (caught.value.code, caught.value.kind) == ("delivery.unsupported_channel", FailureKind.CONFIG)
    assert caught.value.params["channel"] == "rt"


def test_a_profile_without_channels_saves_files() -> None:
    profile = load_profile_text('[provider]\nid = "x"\nname = "X"\n')
    assert [c.key() for c in profile.channels] == ["file"]
    assert not profile.sends_directly()


def test_channels_import_nothing_above_them() -> None:
    """Imports point down: no channel module reaches up into the outbox, the worker or the UI."""
    import ast

    import composer.channels

    above = ("composer.outbox", "composer.delivery", "composer.history", "composer.ui", "composer.cli")
    for path in Path(composer.channels.__path__[0]).glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                node.body = []  # annotations only
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                assert not name.startswith(above), f"{path.name} imports {name}"


def test_profile_check_lists_each_channel_with_what_it_can_do(
    pigeon: list[tuple[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from composer.cli import main

    profile = tmp_path / "pigeon.toml"
    profile.write_text(PROFILE + '[[channels]]\nkind = "helpdesk"\nhelpdesk = "zammad"\nurl = "https://z/"\n')
    assert main(["profile", "check", str(profile)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:4] == [
        "  1. pigeon: carrier pigeon (create)",
        "  2. file: a saved file (attachments, create, follow_up, repeat_safe)",
        "  3. zammad: zammad (not available yet)",
    ]


def test_only_channels_that_declare_it_are_resent_blindly() -> None:
    from composer.outbox import resend_is_safe

    assert resend_is_safe("intake") and resend_is_safe("file")
    assert not resend_is_safe("email")
    assert not resend_is_safe("zammad") and not resend_is_safe("no-such-channel")
