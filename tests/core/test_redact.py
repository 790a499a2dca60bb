"""Secret scrubbing: the corpus of realistic files, single rules, the API and the command."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from composer.cli import main
from composer.redact import (
    KINDS,
    REPLACEMENT,
    apply_redactions,
    count_by_kind,
    find_secrets,
    scrub,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "secrets"
MANIFEST: list[dict[str, Any]] = tomllib.loads((CORPUS / "manifest.toml").read_text("utf-8"))["file"]
DIRTY = [entry for entry in MANIFEST if not entry.get("clean")]
CLEAN = [entry for entry in MANIFEST if entry.get("clean")]


def _read(entry: dict[str, Any]) -> str:
    return (CORPUS / entry["path"]).read_text("utf-8")


# -- corpus -------------------------------------------------------------------------


def test_the_manifest_lists_every_corpus_file() -> None:
    listed = {entry["path"] for entry in MANIFEST}
    on_disk = {
        p.relative_to(CORPUS).as_posix()
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name != "manifest.toml"
    }
    assert listed == on_disk


@pytest.mark.parametrize("entry", DIRTY, ids=[e["path"] for e in DIRTY])
def test_no_planted_secret_survives(entry: dict[str, Any]) -> None:
    text = _read(entry)
    for secret in entry["secrets"]:
        assert secret in text, f"the manifest lists {secret!r}, which is not in the file"
    clean, matches = scrub(text, extra_secrets=entry.get("known", []))
    survivors = [secret for secret in entry["secrets"] if secret in clean]
    assert survivors == []
    assert matches


@pytest.mark.parametrize("entry", DIRTY, ids=[e["path"] for e in DIRTY])
def test_every_removal_is_a_planted_secret(entry: dict[str, Any]) -> None:
    text = _read(entry)
    for match in find_secrets(text, extra_secrets=entry.get("known", [])):
        assert any(match.text in s or s in match.text for s in entry["secrets"]), (
            f"line {match.line}: {match.kind} removed something that is not a secret"
        )


@pytest.mark.parametrize("entry", CLEAN, ids=[e["path"] for e in CLEAN])
def test_ordinary_text_comes_out_unchanged(entry: dict[str, Any]) -> None:
    text = _read(entry)
    assert find_secrets(text) == []
    assert scrub(text)[0] == text


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["path"] for e in MANIFEST])
def test_scrubbing_twice_changes_nothing_more(entry: dict[str, Any]) -> None:
    once, _ = scrub(_read(entry), extra_secrets=entry.get("known", []))
    assert scrub(once, extra_secrets=entry.get("known", []))[0] == once


# -- single rules: the key name stays, the value goes -----------------------------------

REMOVED = REPLACEMENT


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("ftp://bob:S3cret!x@ftp.example.gr/", f"ftp://bob:{REMOVED}@ftp.example.gr/", "url_password"),
        ("redis://:r3dis-pw@10.0.0.5:6379/0", f"redis://:{REMOVED}@10.0.0.5:6379/0", "url_password"),
        ("password=hunter22", f"password={REMOVED}", "config_password"),
        ("passwd: letmein99", f"passwd: {REMOVED}", "config_password"),
        ("DB_PASSWORD='a b c'", f"DB_PASSWORD='{REMOVED}'", "config_password"),
        ("'pass' => 'phpSecret',", f"'pass' => '{REMOVED}',", "config_password"),
        ("define('DB_PASSWORD', 'wp!pw');", f"define('DB_PASSWORD', '{REMOVED}');", "config_password"),
        ('{"password": "j\\"son"}', f'{{"password": "{REMOVED}"}}', "config_password"),
        (
            "$cfg['Servers'][$i]['password'] = 'pma';",
            f"$cfg['Servers'][$i]['password'] = '{REMOVED}';",
            "config_password",
        ),
        ("<password>xmlpw1</password>", f"<password>{REMOVED}</password>", "config_password"),
        ("Authorization: Bearer abc.def-123", f"Authorization: Bearer {REMOVED}", "auth_header"),
        ("Authorization: Basic Ym9iOnBhc3M=", f"Authorization: Basic {REMOVED}", "auth_header"),
        (
            'proxy-authorization: Digest username="a", response="b"',
            f"proxy-authorization: Digest {REMOVED}",
            "auth_header",
        ),
        ("Cookie: sid=abc123; theme=dark", f"Cookie: sid={REMOVED}; theme={REMOVED}", "cookie"),
        (
            "Set-Cookie: PHPSESSID=abc123; path=/; HttpOnly",
            f"Set-Cookie: PHPSESSID={REMOVED}; path=/; HttpOnly",
            "cookie",
        ),
        ("X-Api-Key: 0123456789abcdef", f"X-Api-Key: {REMOVED}", "api_key_header"),
        ("curl -u bob:pa55 https://x", f"curl -u bob:{REMOVED} https://x", "basic_auth"),
        ("mysql -u root -pR00t db", f"mysql -u root -p{REMOVED} db", "basic_auth"),
        ("GET /a?token=abc123&page=2", f"GET /a?token={REMOVED}&page=2", "query_secret"),
        ("/b?x=1&access_token=t0k", f"/b?x=1&access_token={REMOVED}", "query_secret"),
        ("/c;jsessionid=ABC123", f"/c;jsessionid={REMOVED}", "query_secret"),
        ("AUTH PLAIN AGJvYgBwYXNzd29yZA==", f"AUTH PLAIN {REMOVED}", "mail_login"),
        ('a2 LOGIN bob@example.gr "pw 1"', f'a2 LOGIN bob@example.gr "{REMOVED}"', "mail_login"),
        ("C: PASS popsecret", f"C: PASS {REMOVED}", "mail_login"),
        ("key AKIAIOSFODNN7EXAMPLE here", f"key {REMOVED} here", "aws_key"),
        ("xoxp-1234567890-abcdefghij", REMOVED, "slack_token"),
        ("sk_test_4eC39HqLyjWDarjtT1zdp7dc", REMOVED, "stripe_key"),
        ("token ghp_" + "a" * 36, "token " + REMOVED, "github_token"),
        ("AIza" + "B" * 35, REMOVED, "google_api_key"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-1", REMOVED, "jwt"),
        ("sent Bearer 0a1b2c3d4e5f6a7b8c9d", f"sent Bearer {REMOVED}", "bearer_token"),
    ],
)
def test_single_rule(before: str, after: str, kind: str) -> None:
    matches = find_secrets(before)
    assert [m.kind for m in matches][:1] == [kind]
    assert apply_redactions(before, matches) == after


def test_private_key_keeps_its_frame() -> None:
    text = (
        "log: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAAB\n"
        "-----END OPENSSH PRIVATE KEY-----\nnext line\n"
    )
    clean, matches = scrub(text)
    assert [m.kind for m in matches] == ["private_key"]
    assert clean == (
        f"log: -----BEGIN OPENSSH PRIVATE KEY-----\n{REMOVED}\n-----END OPENSSH PRIVATE KEY-----\nnext line\n"
    )


def test_a_cut_off_private_key_loses_its_body_but_not_the_rest() -> None:
    text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nMIIEpAIB\n[error] key truncated\n"
    clean, _ = scrub(text)
    assert "MIIE" not in clean
    assert "[error] key truncated" in clean


@pytest.mark.parametrize(
    "text",
    [
        "password reset link sent",
        "Password:",
        "Password: \nUser name: maria",
        "the Password: prompt keeps coming back",
        "Outlook error 0x800CCC0E and 0x8004010F",
        "commit 3f786850e387550fdab836ed7e6dc881de23001b",
        "request 123e4567-e89b-12d3-a456-426614174000",
        "Message-ID: <CAF8x2Lm+9tQ_rZ3Yk1v@mail.gmail.com>",
        "connect from unknown[198.51.100.61] and [2001:db8::1]:587",
        "SASL LOGIN authentication failed: UGFzc3dvcmQ6",
        "REDIS_PASSWORD=null",
        "password = ${DB_PASSWORD}",
        "'password' => env('DB_PASSWORD'),",
        "token_type: Bearer",
        "docker run -u 1000:1000 image",
        "ssh -p 2222 deploy@203.0.113.50",
        "publishable_key: pk_live_51Hx2AbCdEfGhIjKlMnOpQrStUv",
        "https://example.gr/search?q=password&page=2",
        "Bearer YOUR_ACCESS_TOKEN",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert find_secrets(text) == []


def test_known_secrets_are_removed_also_when_url_encoded() -> None:
    text = "I typed My Pass#1 and the form sent pw=My%20Pass%231 too"
    clean, matches = scrub(text, extra_secrets=["My Pass#1", "ab"])
    assert "My Pass#1" not in clean
    assert "My%20Pass%231" not in clean
    assert {m.kind for m in matches} == {"known_secret"}


def test_too_short_known_secrets_are_ignored() -> None:
    assert find_secrets("a bc def", extra_secrets=["bc", "def"]) == []


# -- API --------------------------------------------------------------------------------


def test_matches_are_ordered_numbered_and_placed() -> None:
    text = "a\npassword=one\nb\nAuthorization: Bearer two-two-two\n"
    matches = find_secrets(text)
    assert [m.index for m in matches] == [0, 1]
    assert [m.line for m in matches] == [2, 4]
    assert [text[m.start : m.end] for m in matches] == ["one", "two-two-two"]
    assert [m.text for m in matches] == ["one", "two-two-two"]
    assert matches[0].id == f"config_password@{matches[0].start}-{matches[0].end}"
    assert all(m.kind in KINDS for m in matches)


def test_the_secret_never_appears_in_a_match_repr() -> None:
    (match,) = find_secrets("password=VerySecret1")
    assert "VerySecret1" not in repr(match)


def test_kept_matches_stay_by_index_or_id() -> None:
    text = "password=one token=two\nCookie: a=three"
    matches = find_secrets(text)
    assert len(matches) == 3
    by_index = apply_redactions(text, matches, keep={1})
    assert by_index == f"password={REMOVED} token=two\nCookie: a={REMOVED}"
    by_id = apply_redactions(text, matches, keep={matches[2].id}, replacement="***")
    assert by_id == "password=*** token=***\nCookie: a=three"


def test_overlapping_findings_merge_under_the_specific_kind() -> None:
    text = "GET /x?token=ghp_" + "b" * 36 + " HTTP/1.1"
    (match,) = find_secrets(text)
    assert match.kind == "github_token"


def test_count_by_kind() -> None:
    matches = find_secrets("password=a1 passwd=b2 https://u:c3@h/ Cookie: s=d4")
    assert count_by_kind(matches) == {"cookie": 1, "url_password": 1, "config_password": 2}


# -- command ----------------------------------------------------------------------------


def test_scrub_command_prints_clean_text_and_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = next(e for e in DIRTY if e["path"] == "wp-config.php")
    assert main(["scrub", str(CORPUS / entry["path"])]) == 0
    out, err = capsys.readouterr()
    assert "define( 'DB_PASSWORD', '[removed]' );" in out
    assert "define( 'DB_USER', 'exampleshop_wpuser' );" in out
    for secret in entry["secrets"]:
        assert secret not in out
        assert secret not in err
    assert "wp-config.php:16: removed password or secret in a setting" in err
    assert "Removed 10 secrets." in err


def test_scrub_command_reads_stdin_and_known_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    known = tmp_path / "known.txt"
    known.write_text("Kalimera!2024\n", "utf-8")

    class _Stdin:
        buffer = __import__("io").BytesIO(b"my password is Kalimera!2024\n")

    monkeypatch.setattr(sys, "stdin", _Stdin)
    assert main(["scrub", "--known-secrets", str(known), "-"]) == 0
    out, err = capsys.readouterr()
    assert out == "my password is [removed]\n"
    assert "standard input:1: removed one of your saved passwords" in err
    assert "Kalimera" not in err


def test_scrub_command_several_files_and_a_missing_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("plain\n", "utf-8")
    two.write_text("pwd=abc123\n", "utf-8")
    assert main(["scrub", str(one), str(two)]) == 0
    out, _ = capsys.readouterr()
    assert out == f"==> {one} <==\nplain\n==> {two} <==\npwd=[removed]\n"
    assert main(["scrub", str(tmp_path / "missing.txt")]) == 1
    assert "cannot be read" in capsys.readouterr().err


# -- the shapes named in issue 9 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DB_PASSWORD 'Zagreb#2024xq', DB_HOST localhost", "DB_PASSWORD '[removed]', DB_HOST localhost"),
        ("DB_PASSWORD=Zagreb#2024xq", "DB_PASSWORD=[removed]"),
        ("DB_PASSWORD: Zagreb#2024xq", "DB_PASSWORD: [removed]"),
        ("define('DB_PASSWORD', 'Zagreb#2024xq');", "define('DB_PASSWORD', '[removed]');"),
        ("'password' => 'Zagreb#2024xq',", "'password' => '[removed]',"),
        (
            "$cfg['Servers'][$i]['controlpass'] = 'pma_4455';",
            "$cfg['Servers'][$i]['controlpass'] = '[removed]';",
        ),
        ("LICENSE_KEY=9f8e7d6c5b4a39281706", "LICENSE_KEY=[removed]"),
        ("my password is Kalamata!88, thanks", "my password is [removed], thanks"),
        ("The password I used: Zagreb#2024xq", "The password I used: [removed]"),
        ("Ο κωδικός μου είναι Φέτα2024! και", "Ο κωδικός μου είναι [removed] και"),
        ("Lozinka je Hvar#2023 a korisnik", "Lozinka je [removed] a korisnik"),
        ("Мой пароль Volga2026! логин", "Мой пароль [removed] логин"),
        (
            "sftp://klijent:Sftp%21Hvar88@ftp.klijent.example:22",
            "sftp://klijent:[removed]@ftp.klijent.example:22",
        ),
        ("mysql://root:Zagreb2024@localhost/db", "mysql://root:[removed]@localhost/db"),
    ],
)
def test_config_lines_urls_and_prose_in_four_languages(text: str, expected: str) -> None:
    assert scrub(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my password, how can I reset it?",
        "Ο κωδικός μου δεν λειτουργεί από χθες.",
        "Lozinka ne radi od jučer.",
        "Пароль не подходит с утра.",
        "dkim=pass (2048-bit key) header.d=example.gr",
        "Merge branch 'feature/password-reset-email'",
        "PUSHER_APP_KEY=3f9a2b7c1d8e4f60a5b2",
        "sort_key=name",
    ],
)
def test_prose_and_settings_that_only_mention_a_password_stay(text: str) -> None:
    assert find_secrets(text) == []
