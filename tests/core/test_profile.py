"""Provider profiles: the demo, mistakes in files, the schema, the command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from composer.cli import main
from composer.errors import ProfileError
from composer.profile import DEMO_PROFILE, load_profile, load_profile_text, profile_json_schema

SKETCH = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "provider-profile-sketch.toml"


def test_the_demo_expects_nothing_so_real_domains_get_no_false_alarms() -> None:
    expected = load_profile().expected
    assert not (expected.nameservers or expected.web_ips or expected.mail_hosts or expected.spf_include)


def test_demo_profile_loads_with_builtin_categories() -> None:
    profile = load_profile()
    assert profile.provider.name == "Demo Hosting"
    ids = [c.id for c in profile.effective_categories()]
    assert {"site_down", "mail_receiving", "mail_sending", "domain_registration", "other"} <= set(ids)
    assert profile.channels[0].kind == "file"
    assert profile.priority("critical") is not None


def test_profile_says_everything_providers_asked_for(tmp_path: Path) -> None:
    text = (DEMO_PROFILE.parent / "example-hosting.toml").read_text(encoding="utf-8")
    profile = load_profile_text(text)
    assert profile.expected.nameservers and profile.expected.web_ips and profile.expected.mail_hosts
    support = profile.support
    assert [c.kind for c in support.contacts] == ["customer_area", "email", "phone"]
    assert support.phone_hours is not None and support.phone_hours.opens == "09:30"
    assert [p.id for p in support.plans] == ["standard", "plus"] and profile.plan().id == "standard"  # type: ignore[union-attr]
    assert {r.terms for r in support.scope} == {"free", "paid", "agreement", "never"}
    assert support.assigns_priority and support.overall_target
    assert [c.kind for c in profile.channels] == ["helpdesk", "email", "file"]
    assert profile.limits.types and support.changes_require_admin_address
    assert profile.kb and profile.roles
    assert profile.expected.mail_client.outgoing[0].port == 587
    assert profile.category("wordpress") is not None
    billing = profile.category("billing")
    assert (
        billing is not None
        and billing.urgency == "low"
        and billing.label == "Invoices, payments and packages"
    )


def test_a_provider_can_bring_its_own_categories_and_channels(tmp_path: Path) -> None:
    file = tmp_path / "acme.toml"
    file.write_text(
        """
[provider]
id = "acme"
name = "ACME Hosting"
[[channels]]
kind = "helpdesk"
helpdesk = "intake"
url = "https://help.acme.example/api"
[[channels]]
kind = "email"
to = "support@acme.example"
subject_tag = "[ACME #{number}]"
[[categories]]
id = "wordpress"
label = "WordPress"
needs = ["domain", "error_text"]
""",
        encoding="utf-8",
    )
    profile = load_profile(file)  # format 1 (no format key): its categories replace the built-in ones
    assert [c.id for c in profile.effective_categories()] == ["wordpress"]
    assert [c.kind for c in profile.channels] == ["helpdesk", "email"]


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text('[provider]\nid = "x"\nname = = "X"\n', encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(file)
    assert caught.value.code == "profile.syntax"
    assert caught.value.params["line"] == 3
    assert "line 3" in str(caught.value)


def test_invalid_fields_are_listed_with_their_place(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(
        '[provider]\nid = "Bad Id"\n[[channels]]\nkind = "helpdesk"\nhelpdesk = "nope"\n'
        "[limits]\nattachment_mb = -1\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as caught:
        load_profile(file)
    error = caught.value
    assert error.code == "profile.invalid"
    fields = [field for field, _message in error.params["errors"]]
    assert "line 2, provider.id" in fields and "line 1, provider.name" in fields
    assert "line 5, channels[0].helpdesk" in fields and "line 7, limits.attachment_mb" in fields
    assert error.params["count"] == len(fields)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(tmp_path / "nope.toml")
    assert caught.value.code == "profile.not_found"


def test_schema_is_json_schema_with_every_section() -> None:
    schema = json.loads(profile_json_schema())
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"provider", "support", "expected", "channels", "kb", "categories", "limits"} <= set(
        schema["properties"]
    )


def test_cli_check_prints_a_sentence_not_a_traceback(tmp_path: Path) -> None:
    file = tmp_path / "bad.toml"
    file.write_text("[provider]\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "composer", "profile", "check", str(file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "provider.id" in run.stderr and "mistake" in run.stderr


def test_cli_check_accepts_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "check", str(DEMO_PROFILE)]) == 0
    assert "Demo Hosting" in capsys.readouterr().out


def test_cli_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Request Composer provider profile"


@pytest.mark.skipif(not SKETCH.is_file(), reason="the shared sketch is not beside the repo")
def test_the_design_sketch_is_not_our_format_and_says_so() -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile(SKETCH)
    assert caught.value.code == "profile.invalid"
