"""Staff make a key, sign a link and check it with the command line, as the customer's app would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer import cli
from composer.resources import resource_path


def _profile_with_key(tmp_path: Path, public_key_line: str) -> Path:
    text = resource_path("profiles", "demo.toml").read_text(encoding="utf-8")
    if "[prefill]" in text:
        head, _sep, tail = text.partition("[prefill]")
        tail = "\n".join(line for line in tail.splitlines() if not line.startswith("public_key"))
        text = f"{head}[prefill]\n{public_key_line}\n{tail}"
    else:
        text += f"\n[prefill]\n{public_key_line}\n"
    path = tmp_path / "provider.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keygen_sign_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "staff.key"
    assert cli.main(["prefill", "keygen", "--private", str(key)]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('public_key = "ed25519:')
    profile = _profile_with_key(tmp_path, line)

    argv = ["prefill", "sign", "--key", str(key), "--expires", "2h", "--staff", "Eleni (support)"]
    argv += [
        "--field",
        "domain=παράδειγμα.gr",
        "--field",
        "category=other",
        "--field",
        "diagnostics=dns,mail",
    ]
    assert cli.main(argv) == 0
    link = capsys.readouterr().out.strip()
    assert link.startswith("request-composer://prefill?t=rcp1.")

    assert cli.main(["prefill", "show", link, "--profile", str(profile)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["staff"] == "Eleni (support)"
    assert shown["fields"] == {"domain": "παράδειγμα.gr", "category": "other", "diagnostics": ["dns", "mail"]}
    assert shown["ignored"] == []

    file = tmp_path / "for-maria.prefill"
    assert cli.main([*argv, "--file", str(file)]) == 0
    assert cli.main(["prefill", "show", str(file), "--profile", str(profile)]) == 0
    assert json.loads(capsys.readouterr().out)["fields"]["domain"] == "παράδειγμα.gr"

    tampered = link[:-6] + ("A" if link[-6] != "A" else "B") + link[-5:]
    assert cli.main(["prefill", "show", tampered, "--profile", str(profile)]) == 1
    err = capsys.readouterr().err
    assert "changed after it was made" in err and "Traceback" not in err


def test_refusals_say_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = tmp_path / "staff.key"
    cli.main(["prefill", "keygen", "--private", str(key)])
    capsys.readouterr()
    assert cli.main(["prefill", "keygen", "--private", str(key)]) == 1
    assert "never overwritten" in capsys.readouterr().err
    base = ["prefill", "sign", "--key", str(key), "--staff", "Ana"]
    assert cli.main([*base, "--expires", "40d"]) == 1
    assert "within 30 days" in capsys.readouterr().err
    assert cli.main([*base, "--expires", "soon"]) == 1
    assert "30m, 2h or 3d" in capsys.readouterr().err
    assert cli.main([*base, "--expires", "1h", "--field", "password=x"]) == 1
    assert "is not a pre-fill field" in capsys.readouterr().err
    assert cli.main([*base, "--expires", "1h", "--field", "urgency=whenever"]) == 1
    assert "urgency" in capsys.readouterr().err
    # the demo profile has no key: a link cannot be checked against it
    assert cli.main([*base, "--expires", "1h", "--field", "domain=example.gr"]) == 0
    link = capsys.readouterr().out.strip()
    assert cli.main(["prefill", "show", link]) == 1
    assert "no key for checking" in capsys.readouterr().err
    assert cli.main(["prefill", "show", str(tmp_path / "missing.prefill")]) == 1
    assert "does not exist" in capsys.readouterr().err
