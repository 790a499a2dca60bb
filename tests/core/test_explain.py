"""`explain`: the kind of problem, the fields, urgency and next step for pasted errors in four languages."""

from __future__ import annotations

import io
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from composer import cli
from composer.classify import Classifier, default_classifier, normalise, training_phrases
from composer.explain import explain, extract_fields
from composer.profile import load_profile
from composer.triage import builtin_categories

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "errors" / "corpus.toml"
PROFILE = load_profile()


def _cases() -> list[dict[str, str]]:
    cases: list[dict[str, str]] = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["case"]
    return cases


def test_the_corpus_has_enough_cases_in_each_language() -> None:
    counts = Counter(case["language"] for case in _cases())
    assert sum(counts.values()) >= 80
    assert all(counts[language] >= 15 for language in ("el", "hr", "ru"))
    known = {category.id for category in builtin_categories()}
    assert {case["category"] for case in _cases()} <= known


def test_at_least_nine_in_ten_right_in_every_language() -> None:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong = []
    for case in _cases():
        total[case["language"]] += 1
        got = explain(case["text"], profile=PROFILE).category
        if got == case["category"]:
            right[case["language"]] += 1
        else:
            wrong.append((case["language"], case["category"], got, case["text"][:60]))
    for language in total:
        assert right[language] / total[language] >= 0.9, (language, wrong)


def test_training_phrases_name_only_known_categories() -> None:
    known = {category.id for category in builtin_categories()}
    phrases = training_phrases()
    assert set(phrases) <= known
    assert all(len(items) >= 20 for name, items in phrases.items() if name != "other")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Receiving reported error (0x800CCC0E): Cannot connect to the server.", "mail_client_setup"),
        ("550 5.1.1 <ana@example.hr>: Recipient address rejected", "mail_receiving"),
        ("452 4.2.2 The email account that you tried to reach is over quota", "mailbox_full"),
        ("550 5.7.26 Unauthenticated email from example.gr is not accepted", "mail_sending"),
        ("DNS_PROBE_FINISHED_NXDOMAIN", "site_not_visible"),
        ("Σφάλμα: NET::ERR_CERT_DATE_INVALID", "certificate"),
        ("ERR_TOO_MANY_REDIRECTS", "web_app"),
        ("Response: 530 Login authentication failed", "ftp_ssh"),
    ],
)
def test_specific_codes_decide_by_rule(text: str, category: str) -> None:
    result = explain(text, profile=PROFILE)
    assert (result.category, result.decided_by) == (category, "code")


def test_a_gmail_bounce_is_not_taken_for_a_missing_page() -> None:
    text = "The email account that you tried to reach does not exist. Please try double-checking the address."
    assert explain(text, profile=PROFILE).category == "mail_receiving"


def test_fields_found_in_a_bounce() -> None:
    text = (
        "Date: Mon, 30 Nov 2026 14:02:11 +0200\n"
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
        "Your message to sales@example.gr was not delivered; mx1.example.gr [203.0.113.25] said:\n"
        "550-5.1.1 The email account that you tried to reach does not exist. Logged 2026-11-30 12:02:11Z"
    )
    fields = extract_fields(text)
    assert fields["emails"] == ["mailer-daemon@googlemail.com", "sales@example.gr"]
    assert fields["hosts"] == ["mx1.example.gr"]
    assert fields["ip_addresses"] == ["203.0.113.25"]
    assert "550-5.1.1" in fields["smtp_codes"]
    assert "2026-11-30T14:02:11+02:00" in fields["times"] and "2026-11-30 12:02:11Z" in fields["times"]


def test_urgency_has_a_reason_and_outages_are_critical() -> None:
    down = explain("This site can't be reached. ERR_CONNECTION_REFUSED", profile=PROFILE)
    assert down.urgency == "critical"
    assert "around the clock" in down.urgency_reason
    billing = explain("Please send me a copy of last month's invoice for the hosting", profile=PROFILE)
    assert billing.urgency == "normal" and billing.urgency_reason


def test_text_that_says_nothing_is_other() -> None:
    result = explain("hello???", profile=PROFILE)
    assert result.category == "other"


def test_normalising_folds_accents_and_case() -> None:
    assert normalise("Δεν ΈΡΧΟΝΤΑΙ τα e-mail!") == "δεν ερχονται τα e-mail"
    assert normalise("Pošta NE stiže") == "posta ne stize"
    assert normalise("Ещё нет почты") == "еще нет почты"


def test_a_classifier_learns_from_its_phrases() -> None:
    tiny = Classifier({"a": ["mail does not arrive"], "b": ["website is down"]})
    assert tiny.rank("my mail does not arrive")[0].category == "a"
    assert tiny.rank("zzzz") == []
    with pytest.raises(ValueError):
        Classifier({})


def test_the_command_prints_json_and_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Ошибка установки соединения с базой данных"))
    assert cli.main(["explain", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {
        "category",
        "confidence",
        "alternatives",
        "fields",
        "urgency",
        "explanation",
        "next_step",
        "codes",
    } <= set(document)
    assert document["category"] == "database"
    monkeypatch.setattr("sys.stdin", io.StringIO("Σφάλμα κατά τη σύνδεση με τη βάση δεδομένων"))
    assert cli.main(["explain", "--language", "el"]) == 0
    out = capsys.readouterr().out
    assert "MySQL" in out and any("\u0370" <= ch <= "\u03ff" for ch in out.split("\n")[1])


def test_the_command_says_what_to_do_with_no_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("   \n"))
    assert cli.main(["explain"]) == 1
    assert "no text to explain" in capsys.readouterr().err
    assert cli.main(["explain", str(tmp_path / "missing.txt")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_the_default_classifier_is_trained_once() -> None:
    assert default_classifier() is default_classifier()


def test_what_the_text_implies_is_offered_only_for_empty_fields() -> None:
    from composer.explain import field_suggestions
    from composer.model import Request

    bounce = (
        "Date: Mon, 20 Nov 2026 14:31:02 +0000\n"
        "From anna@gmail.com via mx.google.com: 550 5.1.1 <sales@kalamata-olive.gr>: User unknown"
    )
    result = explain(bounce)
    offered = {s.field: s.value for s in field_suggestions(result, Request())}
    assert offered["account"] == "sales@kalamata-olive.gr"  # not the Gmail sender
    assert offered["domain"] == "kalamata-olive.gr"
    assert offered["started_at"].startswith("2026-11-20")
    filled = Request(account="info@x.gr", domain="x.gr")
    assert {s.field for s in field_suggestions(result, filled)} == {"started_at"}
    # a time the form would refuse (in the future) is not offered
    future = explain(bounce.replace("2026", "2036"))
    assert "started_at" not in {s.field for s in field_suggestions(future, Request())}
    # a host name without any address gives the domain, without its service prefix
    hosts = field_suggestions(explain("Could not connect to server ftp.annas-shop.gr"), Request())
    assert [(s.field, s.value) for s in hosts] == [("domain", "annas-shop.gr")]
