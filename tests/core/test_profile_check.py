"""``profile check``: each typo a provider makes is caught, in our words, with its line and an example."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from composer.cli import main
from composer.errors import ProfileError
from composer.i18n import set_language
from composer.profile import builtin_category_data, load_profile_text
from composer.profile_check import check_profile_text
from composer.profile_lines import key_lines

FORMAT1 = Path(__file__).parent / "data" / "format1-example-hosting.toml"

HEAD = 'format = 2\n[provider]\nid = "x"\nname = "X"\n'

BUILTIN = len(builtin_category_data())  # the built-in categories in resources/categories.toml


def mistakes(text: str) -> dict[str, str]:
    """place -> message of every mistake in ``text``."""
    with pytest.raises(ProfileError) as caught:
        load_profile_text(text)
    assert caught.value.code == "profile.invalid"
    return dict(caught.value.params["errors"])


@pytest.mark.parametrize(
    ("body", "place", "words"),
    [
        (
            'time_zone = "Europe/Athen"\n',
            "line 5, provider.time_zone",
            ["“Europe/Athen”", "did you mean “Europe/Athens”"],
        ),
        (
            '[[support.contacts]]\nid = "p"\nkind = "phone"\naddress = "+30 210 000 0000"\n'
            'hours = [{ days = ["mon"], opens = "25:99", closes = "17:00" }]\n',
            "line 9, support.contacts[0].hours[0].opens",
            ["“25:99” is not a time of day", "“09:30”"],
        ),
        (
            '[[channels]]\nkind = "email"\nto = "not an email"\n',
            "line 7, channels[0].to",
            ["“not an email” is not an e-mail", "support@example.net"],
        ),
        ('[[channels]]\nkind = "email"\nto = "nobody"\n', "line 7, channels[0].to", ["“nobody”"]),
        (
            '[[channels]]\nkind = "helpdesk"\nhelpdesk = "intake"\nurl = "ftp://x"\n',
            "line 8, channels[0].url",
            ["“ftp://x” is not a web address", "https://"],
        ),
        (
            '[[channels]]\nkind = "helpdesk"\nhelpdesk = "intake"\nurl = "http://help.example.net/api"\n',
            "line 8, channels[0].url",
            ["only https:// is accepted"],
        ),
        (
            '[expected]\nweb_ips = ["not-an-ip"]\n',
            "line 6, expected.web_ips[0]",
            ["“not-an-ip” is not an IP address", "192.0.2.10"],
        ),
        (
            'languages = ["Greek"]\n',
            "line 5, provider.languages[0]",
            ["“Greek” is not a language code", "“el”"],
        ),
        ('[expected]\nspf_include = "not a host"\n', "line 6, expected.spf_include", ["not a host name"]),
        ("[limits]\ntotal_mb = 0\n", "line 6, limits.total_mb", ["0 is too small", "greater than 0"]),
        (
            "[expected]\nmail_ports = [99999]\n",
            "line 6, expected.mail_ports[0]",
            ["99999 is too large", "at most 65535"],
        ),
        (
            '[[channels]]\nkind = "fax"\n',
            "line 6, channels[0].kind",
            ["“fax”", "email, file or helpdesk"],
        ),
        (
            '[limits]\nattachment_mb = "ten"\n',
            "line 6, limits.attachment_mb",
            ["“ten” is not a number", "attachment_mb = 10"],
        ),
        ('websit = "https://x.example.net"\n', "line 5, provider.websit", ["Did you mean “website”?"]),
        (
            '[[roles]]\nrole = "billing"\nmay_file = ["biling"]\n',
            "line 7, roles[0].may_file[0]",
            ["There is no category “biling”", "billing"],
        ),
        (
            '[[support.priorities]]\nid = "first"\nlabel = "First"\n'
            '[[support.priorities]]\nid = "first"\nlabel = "Again"\n',
            "line 9, support.priorities[1].id",
            ["“first” is given twice", "the first was on line 6"],
        ),
        (
            '[[support.priorities]]\nid = "a"\nlabel = "A"\nurgencies = ["high"]\n'
            '[[support.priorities]]\nid = "b"\nlabel = "B"\nurgencies = ["high"]\n',
            "line 12, support.priorities[1].urgencies",
            ["“high” belongs to two priorities", "line 8"],
        ),
        (
            '[[support.contacts]]\nid = "m"\nkind = "email"\naddress = "nobody"\nalways = true\n',
            "line 8, support.contacts[0].address",
            ["does not fit a contact of kind “email”"],
        ),
        ('[[categories]]\nid = "wordpress"\n', "line 6, categories[0].id", ["has no label"]),
        (
            '[[support.plans]]\nid = "x"\nname = "X"\npriority = "gold"\n',
            "line 8, support.plans[0].priority",
            ["no priority “gold”"],
        ),
    ],
)
def test_a_typo_is_named_with_its_line_and_what_to_write(body: str, place: str, words: list[str]) -> None:
    found = mistakes(HEAD + body)
    assert place in found, found
    for word in words:
        assert word in found[place]


def test_pydantic_never_speaks() -> None:
    text = (
        HEAD
        + 'time_zone = 3\n[support]\ncontacts = "x"\n[[channels]]\nkind = "helpdesk"\n'
        + "[limits]\nattachment_mb = -1\n[[kb]]\ntitle = 5\nurl = 1\n"
    )
    found = mistakes(text)
    assert len(found) >= 5
    for message in found.values():
        for pydantic_words in (
            "Input should",
            "discriminator",
            "validation error",
            "Field required",
            "pydantic",
        ):
            assert pydantic_words not in message


def test_a_newer_format_is_refused_with_what_to_do() -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile_text(HEAD.replace("format = 2", "format = 3"))
    assert caught.value.code == "profile.too_new"
    assert "format 3" in str(caught.value)


def test_messages_are_translated() -> None:
    set_language("el")
    found = mistakes(HEAD + 'time_zone = "Europe/Athen"\n')
    assert "ζώνη ώρας" in next(iter(found.values()))


def test_format_1_still_loads_and_says_how_to_upgrade() -> None:
    checked = check_profile_text(FORMAT1.read_text(encoding="utf-8"))
    assert checked.source_format == 1
    profile = checked.profile
    assert profile.support.email == "support@example-hosting.example"
    phone = profile.support.first("phone")
    assert phone is not None and phone.plans == ["plus"] and phone.hours[0].opens == "09:30"
    assert [p.id for p in profile.support.plans] == ["standard", "plus"]
    critical = profile.priority("critical")
    assert (
        critical is not None
        and critical.response == "immediately, day and night"
        and critical.label == "Critical"
    )
    assert {r.terms for r in profile.support.scope} == {"free", "paid", "never"}
    assert profile.support.first("customer_area") is not None  # was expected.control_panel
    codes = {w.code: w.line for w in checked.warnings}
    assert codes["migrate.phone_tier"] == 18 and codes["migrate.office_hours"] == 19
    assert "migrate.departments" in codes and "effect.departments" not in codes


def test_format_1_empty_may_file_meant_everyone() -> None:
    text = '[provider]\nid = "x"\nname = "X"\n[[roles]]\nrole = "billing"\nmay_file = []\n'
    checked = check_profile_text(text)
    assert checked.profile.roles[0].may_file == ["*"]
    assert any(w.code == "migrate.may_file" and w.line == 6 for w in checked.warnings)


def test_a_format_2_empty_may_file_means_nobody() -> None:
    from composer.policy import may_file

    profile = load_profile_text(HEAD + '[[roles]]\nrole = "other"\nmay_file = []\n')
    assert not may_file(profile, "other", "site_down")
    assert may_file(profile, "owner", "site_down")


def test_categories_extend_override_and_hide_builtin_ones() -> None:
    profile = load_profile_text(
        HEAD
        + '[[categories]]\nid = "wordpress"\nlabel = { hr = "WordPress i dodaci", en = "WordPress" }\n'
        + '[[categories]]\nid = "billing"\nurgency = "low"\n'
        + '[[categories]]\nid = "other"\nhidden = true\n'
    )
    ids = [c.id for c in profile.effective_categories()]
    assert "wordpress" in ids and "other" not in ids and len(ids) == BUILTIN
    billing = profile.category("billing")
    assert (
        billing is not None
        and billing.urgency == "low"
        and billing.label == "Invoices, payments and packages"
    )  # the rest is kept
    wordpress = profile.category("wordpress")
    assert wordpress is not None and wordpress.label == "WordPress"


def test_texts_fall_back_to_the_providers_languages_in_order() -> None:
    from composer.profile_text import pick

    assert pick({"hr": "Računi", "en": "Invoices"}, "ru", ["hr", "en"]) == "Računi"
    assert pick({"hr": "Računi", "en": "Invoices"}, "en", ["hr"]) == "Invoices"
    profile = load_profile_text(HEAD.replace('name = "X"', 'name = "X"\nlanguages = ["hr", "en"]'))
    assert profile.text({"ru": "Счета", "hr": "Računi"}) == "Računi"  # no English: the provider's first
    ordered = load_profile_text(
        HEAD.replace('name = "X"', 'name = "X"\nlanguages = ["hr", "en"]')
        + '[[categories]]\nid = "wordpress"\nlabel = { ru = "Вордпресс", hr = "WordPress i dodaci" }\n'
    )
    wordpress = ordered.category("wordpress")
    assert wordpress is not None and wordpress.label == "WordPress i dodaci"  # English user: Croatian


def test_key_lines_follow_tables_arrays_and_multiline_values() -> None:
    text = (
        'a = 1\n[t]\nlist = [\n  "x",\n  "y = 2",\n]\ns = """\nk = 3\n"""\n'
        "[[arr]]\nk = 1\n[[arr]]\nk = 2\n[[arr.sub]]\nq = 1\n[u.v]\nw = { z = 1 }\n"
    )
    lines = key_lines(text)
    assert lines[("a",)] == 1 and lines[("t", "list")] == 3 and lines[("t", "s")] == 7
    assert ("t", "k") not in lines and ("t", "y") not in lines
    assert lines[("arr", 0, "k")] == 11 and lines[("arr", 1, "k")] == 13
    assert lines[("arr", 1, "sub", 0, "q")] == 15 and lines[("u", "v", "w")] == 17


def test_cli_check_warns_about_keys_without_effect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "p.toml"
    file.write_text(
        HEAD + '[[channels]]\nkind = "helpdesk"\nhelpdesk = "whmcs"\nurl = "https://my.example.net/api"\n'
        '[prefill]\npublic_key = "ed25519:AAAA"\n',
        encoding="utf-8",
    )
    assert main(["profile", "check", str(file)]) == 0
    out = capsys.readouterr().out
    assert "line 7, channels[0].helpdesk" in out and "whmcs" in out
    # pre-fill links are built, so the key has an effect
    assert "prefill.public_key" not in out


def test_cli_check_says_how_to_upgrade_format_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "check", str(FORMAT1)]) == 0
    out = capsys.readouterr().out
    assert "To upgrade this file to format 2" in out and "line 18, support.phone_tier" in out


def test_schema_into_a_closed_pipe_is_not_a_traceback() -> None:
    command = f"{sys.executable} -m composer profile schema | head -n 2"
    run = subprocess.run(command, shell=True, capture_output=True, text=True, check=False)
    assert run.stdout.startswith("{")
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr


def test_the_readme_example_is_a_valid_profile() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Provider profiles") :]
    example = section[
        section.index("```toml") + len("```toml") : section.index("```", section.index("```toml") + 7)
    ]
    checked = check_profile_text(example)
    assert checked.profile.category("wordpress") is not None and not checked.warnings


def test_a_format_1_mistake_is_reported_at_the_old_keys_line() -> None:
    found = mistakes(
        '[provider]\nid = "x"\nname = "X"\n[support]\nphone = "+30 210 000 0000"\n'
        'phone_hours = "Mon-Fri 09:30-17:30"\n'
    )
    assert found == {
        "line 6, support.contacts[0].hours": "“Mon-Fri 09:30-17:30” is not a list. Write a list in square "
        'brackets; for example hours = [{ days = ["mon", "tue", "wed", "thu", "fri"], opens = "09:30", '
        'closes = "17:30" }].'
    }


def test_one_mail_endpoint_may_be_written_without_a_list() -> None:
    profile = load_profile_text(
        HEAD
        + '[expected.mail_client]\nincoming = { protocol = "imap", host = "mail.example.net", port = 993 }\n'
    )
    assert profile.expected.mail_client.incoming[0].port == 993


def test_merged_categories_follow_a_copy_with_other_entries() -> None:
    from composer.profile import CategoryEntry

    profile = load_profile_text(HEAD)
    assert len(profile.effective_categories()) == BUILTIN
    copy = profile.model_copy(update={"categories": [CategoryEntry(id="other", hidden=True)]})
    assert len(copy.effective_categories()) == BUILTIN - 1 and len(profile.effective_categories()) == BUILTIN
