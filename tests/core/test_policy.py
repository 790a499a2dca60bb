"""What the app says before sending, for the five seed providers' example profiles.

Each test is a request a customer of that provider makes, at a fixed time,
and checks what the provider's own page says: when the phone or chat opens
(in the user's time), which way is official and which is advice only,
whether the work is free, paid (at what price), by agreement or never, the
priority and response target, and who may file it.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from composer.i18n import set_language
from composer.policy import Policy, decide, describe_filing
from composer.policy_hours import describe_hours, describe_moment
from composer.profile import DEMO_PROFILE, ProviderProfile, builtin_category_data, load_profile

EXAMPLES = DEMO_PROFILE.parent / "examples"
ATHENS = ZoneInfo("Europe/Athens")
MOSCOW = ZoneInfo("Europe/Moscow")


def example(name: str) -> ProviderProfile:
    return load_profile(EXAMPLES / f"{name}.toml")


def at(text: str, zone: ZoneInfo = ATHENS) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


# 2026-12-05 is a Saturday, 2026-12-07 a Monday, 2026-12-09 a Wednesday.
SATURDAY_EVENING = at("2026-12-05 20:00")


def policy(profile: ProviderProfile, now: datetime = SATURDAY_EVENING, **facts: str) -> Policy:
    return decide(profile, now=now, user_zone=ATHENS, **facts)


def test_every_example_profile_loads() -> None:
    names = sorted(p.stem for p in EXAMPLES.glob("*.toml"))
    assert names == ["clickmedia", "papaki", "plus-hosting", "ru-hosting", "webarting-istanet"]
    for name in names:
        assert example(name).format == 2


class TestWebartingIstanet:
    def test_wordpress_plugin_on_saturday_evening_on_free_support(self) -> None:
        result = policy(example("webarting-istanet"), category="wordpress", urgency="normal")
        assert result.plan is not None and result.plan.id == "free"
        assert result.scope is not None and result.scope.terms == "paid"
        assert result.scope.price == "with +Plus support"
        phone = result.phone
        assert phone is not None and phone.contact.id == "phone-general"
        assert not phone.state.open_now and phone.state.opens_at == at("2026-12-07 09:00")
        assert describe_moment(phone.state.opens_at, SATURDAY_EVENING) == "on Monday at 09:00"
        assert "general questions" in phone.purpose
        assert [c.contact.id for c in result.official] == ["tickets", "email"]
        advice_only = [c.contact.id for c in result.contacts if not c.official]
        assert advice_only == ["phone-general", "phone"]
        assert result.priority is not None and result.priority.target == "no committed response time"

    def test_the_same_request_on_plus_is_included_and_has_priority(self) -> None:
        result = policy(example("webarting-istanet"), plan="plus", category="wordpress")
        assert result.scope is not None and result.scope.terms == "free"
        assert result.priority is not None and result.priority.from_plan
        assert result.priority.label == "+Plus priority"
        assert result.phone is not None and result.phone.contact.id == "phone" and result.phone.available

    def test_an_outage_at_night_is_handled_in_writing(self) -> None:
        result = policy(
            example("webarting-istanet"), now=at("2026-12-09 23:00"), category="site_down", urgency="critical"
        )
        assert result.critical_written
        assert result.priority is not None and result.priority.always_open
        assert "site down" in result.priority.examples
        assert result.phone is not None and not result.phone.state.open_now
        assert result.scope is not None and result.scope.terms == "free"

    def test_texts_follow_the_language(self) -> None:
        set_language("el")
        result = policy(example("webarting-istanet"), category="wordpress")
        assert result.plan_name == "Δωρεάν υποστήριξη"
        assert result.scope is not None and result.scope.price == "με την υποστήριξη +Plus"


class TestClickMedia:
    def test_wordpress_plugin_without_a_package_is_paid_by_the_hour(self) -> None:
        result = policy(example("clickmedia"), category="wordpress", urgency="normal")
        assert result.scope is not None and result.scope.terms == "paid"
        assert result.scope.price == "60–90 EUR per hour, depending on the work"
        assert result.phone is not None and not result.phone.available
        priority = result.priority
        assert priority is not None and priority.label == "Second priority"
        assert priority.target == "within 1 week of receipt"
        assert priority.assigned_by_support
        assert priority.overall_target == "in every case within 3–4 working days at the latest"
        assert result.sent_officially is True

    def test_a_maintenance_contract_covers_bug_fixes(self) -> None:
        result = policy(example("clickmedia"), plan="maintenance", category="wordpress")
        assert result.scope is not None and result.scope.terms == "free"
        assert "bug fixes" in result.scope.what

    def test_sla_makes_every_request_first_priority_and_may_call(self) -> None:
        tuesday = at("2026-12-08 10:00")
        result = policy(example("clickmedia"), now=tuesday, plan="sla", category="other", urgency="low")
        priority = result.priority
        assert priority is not None and priority.from_plan and priority.label == "First priority"
        assert priority.target == "every request as first priority"
        phone = result.phone
        assert phone is not None and phone.available and phone.state.open_now
        assert phone.state.closes_at == at("2026-12-08 17:30")
        assert result.plan is not None and result.plan.after_hours

    def test_the_phone_package_says_its_allowance(self) -> None:
        result = policy(example("clickmedia"), plan="phone")
        assert result.plan is not None
        assert "12 hours a year" in example("clickmedia").text(result.plan.phone_allowance)
        assert result.phone is not None and result.phone.available


class TestRuHosting:
    def test_only_the_customer_area_ticket_is_official(self) -> None:
        result = policy(example("ru-hosting"), category="site_down")
        assert [c.contact.id for c in result.official] == ["tickets"]
        assert {c.contact.id for c in result.contacts if not c.official} == {"email", "chat", "skype"}
        assert result.sent_officially is False  # this app's e-mail is advice only here
        assert result.priority is not None and result.priority.target == "usually within one hour"

    def test_chat_runs_past_midnight_on_weekdays(self) -> None:
        profile = example("ru-hosting")
        friday_night = at("2026-12-05 00:30", MOSCOW)  # still Friday's 09:00-01:00
        chat = next(c for c in policy(profile, now=friday_night).contacts if c.contact.id == "chat")
        assert chat.state.open_now and chat.state.closes_at == at("2026-12-05 01:00", MOSCOW)
        assert describe_hours(chat.contact, chat.hours_zone) == (
            "Mon–Fri 09:00–01:00, Sat–Sun 10:00–00:00 (Europe/Moscow)"
        )

    def test_closed_chat_opens_in_the_users_time(self) -> None:
        saturday_early = at("2026-12-05 01:30", MOSCOW)
        chat = next(
            c for c in policy(example("ru-hosting"), now=saturday_early).contacts if c.contact.id == "chat"
        )
        assert not chat.state.open_now
        assert chat.state.opens_at == at("2026-12-05 09:00")  # 10:00 in Moscow
        assert chat.state.opens_at is not None and chat.state.opens_at.tzinfo == ATHENS

    def test_scripts_are_by_agreement_and_server_work_depends_on_the_plan(self) -> None:
        profile = example("ru-hosting")
        wordpress = policy(profile, category="wordpress").scope
        assert wordpress is not None and wordpress.terms == "agreement"
        assert wordpress.price == "for an extra fee agreed beforehand"
        on_hosting = policy(profile, category="server_admin").scope
        on_server = policy(profile, plan="server", category="server_admin").scope
        assert on_hosting is not None and on_hosting.terms == "never"
        assert on_server is not None and on_server.terms == "free"


class TestPlusHosting:
    def test_someone_else_may_not_file_and_is_told_what_to_do(self) -> None:
        result = policy(example("plus-hosting"), category="site_down", role="other")
        assert not result.filing.allowed and result.filing.code == "filing.role_nobody"
        why, what = describe_filing(result.filing)
        assert "accepts no requests from your role" in why
        assert what == "Ask the owner of the service to make you a technical contact, or to send the request."

    def test_a_billing_contact_files_invoices_only(self) -> None:
        profile = example("plus-hosting")
        assert policy(profile, category="billing", role="billing").filing.allowed
        refused = policy(profile, category="mail_receiving", role="billing").filing
        assert not refused.allowed and refused.code == "filing.role_refused"
        assert policy(profile, category="mail_receiving", role="technical").filing.allowed

    def test_the_customer_pages_come_first_and_phone_hours_are_not_known(self) -> None:
        result = policy(example("plus-hosting"))
        assert [c.contact.id for c in result.contacts] == ["customer-pages", "email", "chat", "phone"]
        assert result.phone is not None and not result.phone.official and not result.phone.state.known
        assert result.priority is not None and result.priority.assigned_by_support
        assert result.knowledge_base.endswith("/baza-znanja")


class TestPapaki:
    def test_a_change_from_another_address_is_refused_with_the_admin_address(self) -> None:
        profile = example("papaki")
        result = policy(
            profile,
            category="domain_registration",
            sender="designer@example.org",
            admin_address="owner@example.org",
            role="technical",
        )
        assert not result.filing.allowed and result.filing.code == "filing.admin_mismatch"
        why, what = describe_filing(result.filing)
        assert "owner@example.org" in why and "designer@example.org" in why
        assert "owner@example.org" in what
        same = policy(
            profile,
            category="domain_registration",
            sender="Owner@Example.org",
            admin_address="owner@example.org",
        )
        assert same.filing.allowed and same.filing.code == "filing.ok"

    def test_without_the_admin_address_the_app_asks_for_it(self) -> None:
        profile = example("papaki")
        assert policy(profile, category="login", role="technical").filing.code == "filing.admin_needed"
        assert policy(profile, category="login", role="owner").filing.code == "filing.admin_confirm"
        assert policy(profile, category="site_down", role="technical").filing.code == "filing.ok"

    def test_email_is_official_and_one_builtin_category_is_changed_in_place(self) -> None:
        profile = example("papaki")
        result = policy(profile)
        assert [c.contact.id for c in result.official] == ["email"] and result.sent_officially is True
        renewal = profile.category("domain_registration")
        assert renewal is not None and "2 working days" in renewal.description
        assert renewal.label == "Domain registration, renewal or transfer"  # the built-in label is kept
        assert len(profile.effective_categories()) == len(builtin_category_data())


@pytest.mark.parametrize("urgency", ["critical", "high", "normal", "low"])
def test_the_demo_maps_every_urgency_to_a_tier(urgency: str) -> None:
    result = policy(load_profile(), urgency=urgency)
    assert result.priority is not None and result.priority.label


def test_the_request_names_the_plan_the_user_picked() -> None:
    from composer.model import Request
    from composer.render import render_text

    profile = example("webarting-istanet")
    text = render_text(Request(plan="plus", category="wordpress"), profile)  # in Greek, the provider's
    assert "Υποστήριξη +Plus" in text
    english = render_text(Request(plan="plus", category="wordpress"), profile, language="en")
    assert "+Plus support" in english
    assert "Support plan" not in render_text(Request(category="wordpress"), profile, language="en")


def test_the_coach_compares_the_sender_with_the_administrator_address() -> None:
    from composer.model import Request, Requester, Role
    from composer.quality import assess

    profile = example("papaki")

    def advice(role: Role, email: str, admin: str) -> set[str]:
        requester = Requester(name="A", email=email, role=role, admin_address=admin)
        request = Request(category="domain_registration", domain="example.org", requester=requester)
        return {item.code for item in assess(request, profile).advice}

    assert "advice.admin_address" in advice(Role.OWNER, "me@example.org", "owner@example.org")
    assert "advice.admin_address" not in advice(Role.TECHNICAL, "owner@example.org", "owner@example.org")
    assert "advice.admin_address" in advice(Role.TECHNICAL, "me@example.org", "")


def test_the_request_text_gives_the_target_of_the_users_plan() -> None:
    from composer.model import Request, Urgency
    from composer.render import render_text

    profile = example("clickmedia")
    low = render_text(Request(urgency=Urgency.LOW), profile, language="en")
    assert "(expected answer: within 1 week of receipt)" in low
    sla = render_text(Request(plan="sla", urgency=Urgency.LOW), profile, language="en")
    assert "(expected answer: every request as first priority)" in sla
