"""The policy panel shows what each seed provider's page says, for a request at a fixed time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from composer.model import Role, Urgency
from composer.profile import DEMO_PROFILE, load_profile
from composer.store import Store
from composer.ui.controller import DraftController
from composer.ui.main_window import MainWindow
from composer.ui.policy_panel import PolicyPanel

ATHENS = ZoneInfo("Europe/Athens")
SATURDAY_EVENING = datetime(2026, 12, 5, 20, 0, tzinfo=ATHENS)


@pytest.fixture()
def make_panel(qtbot: QtBot, store: Store) -> Iterator[object]:
    controllers: list[DraftController] = []

    def make(name: str, now: datetime = SATURDAY_EVENING) -> PolicyPanel:
        profile = load_profile(DEMO_PROFILE.parent / "examples" / f"{name}.toml")
        controller = DraftController(profile, store, autosave_delay=0.01)
        controllers.append(controller)
        panel = PolicyPanel(controller, clock=lambda: now)
        qtbot.addWidget(panel)
        panel.show()
        return panel

    yield make
    for controller in controllers:
        controller.close()


def text(panel: PolicyPanel, name: str) -> str:
    label = panel.findChild(QLabel, name)
    assert label is not None, name
    return label.text() if label.isVisible() else ""


def test_webarting_wordpress_on_saturday_evening(make_panel) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel("webarting-istanet")
    panel.controller.update(category="wordpress", urgency=Urgency.NORMAL)
    contacts = text(panel, "policy.contacts")
    official, advice = contacts.split("Advice only")
    assert "Ticket system" in official and "support@webarting.example.net" in official
    assert "closed now, opens on Monday at 09:00;" in advice and "not in your plan" in advice  # same zone
    assert "Paid extra" in text(panel, "policy.scope") and "with +Plus support" in text(panel, "policy.scope")
    panel.controller.update(urgency=Urgency.CRITICAL)
    assert "Handled day and night" in text(panel, "policy.priority")
    panel.controller.update(urgency=Urgency.NORMAL)
    assert "no committed response time" in text(panel, "policy.priority")
    plan = panel.findChild(QComboBox, "policy.plan")
    assert plan is not None and plan.currentData() == "free"
    plan.setCurrentIndex(plan.findData("plus"))
    assert panel.controller.request.plan == "plus"
    assert "Included in your support, free" in text(panel, "policy.scope")
    assert "+Plus priority" in text(panel, "policy.priority") and "Your plan gives this priority" in text(
        panel, "policy.priority"
    )


def test_clickmedia_plugin_work_is_paid_at_its_price(make_panel) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel("clickmedia")
    panel.controller.update(category="wordpress", urgency=Urgency.NORMAL)
    assert "60–90 EUR per hour" in text(panel, "policy.scope")
    priority = text(panel, "policy.priority")
    assert "Second priority" in priority and "within 1 week of receipt" in priority
    assert "3–4 working days" in priority and "Support sets the final priority" in priority
    assert "This app sends your request the official way." in text(panel, "policy.sent_with")
    plan = panel.findChild(QComboBox, "policy.plan")
    assert plan is not None and plan.findText("Phone support (120 EUR a year)") >= 0
    plan.setCurrentIndex(plan.findData("phone"))
    assert "12 hours a year, at most 1 hour a month" in text(panel, "policy.plan_note")
    plan.setCurrentIndex(plan.findData("sla"))
    assert "outside office hours" in text(panel, "policy.plan_note")
    assert "First priority" in text(panel, "policy.priority")


def test_ru_hosting_says_email_is_advice_only(make_panel) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel("ru-hosting", datetime(2026, 12, 5, 0, 30, tzinfo=ATHENS))  # 01:30 in Moscow
    panel.controller.update(category="wordpress")
    contacts = text(panel, "policy.contacts")
    official, advice = contacts.split("Advice only")
    assert "Ticket from the customer area" in official and "Online chat" in advice
    assert "closed now, opens today at 09:00 your time" in advice  # 10:00 in Moscow
    assert "Mon–Fri 09:00–01:00, Sat–Sun 10:00–00:00 (Europe/Moscow)" in advice
    assert "advice only" in text(panel, "policy.sent_with")
    assert "Only by agreement" in text(panel, "policy.scope")
    assert "usually within one hour" in text(panel, "policy.priority")


def test_plus_hosting_tells_someone_else_what_to_do(make_panel) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel("plus-hosting")
    panel.controller.update(category="site_down")
    panel.controller.update_requester(role=Role.OTHER)
    filing = text(panel, "policy.filing")
    assert "accepts no requests from your role" in filing and "technical contact" in filing
    assert "hours not known" in text(panel, "policy.contacts")
    plan = panel.findChild(QComboBox, "policy.plan")
    assert plan is not None and not plan.isVisible()  # this provider has no plans


def test_papaki_compares_the_sender_with_the_administrator_address(qtbot: QtBot, make_panel) -> None:  # type: ignore[no-untyped-def]
    panel = make_panel("papaki")
    panel.controller.update(category="domain_registration")
    panel.controller.update_requester(role=Role.TECHNICAL, email="designer@example.org")
    admin = panel.findChild(QLineEdit, "policy.admin_address")
    assert admin is not None and admin.isVisible()
    qtbot.keyClicks(admin, "owner@example.org")
    assert panel.controller.request.requester.admin_address == "owner@example.org"
    assert "you send from designer@example.org" in text(panel, "policy.filing")
    panel.controller.update_requester(email="owner@example.org")
    assert text(panel, "policy.filing") == ""


def test_the_review_step_shows_the_panel(window: MainWindow) -> None:
    panel = window.findChild(PolicyPanel, "review.policy")
    assert panel is not None
    assert "Demo Hosting" in panel.title.text()
    scope = panel.findChild(QLabel, "policy.scope")
    assert scope is not None and "Not done by support" in scope.text()  # the demo's general "never"


def test_the_coach_names_the_phone_only_for_plans_that_may_call() -> None:
    from composer.model import Request
    from composer.ui.coach import support_hours_text

    profile = load_profile(DEMO_PROFILE.parent / "example-hosting.toml")
    assert "Phone:" not in support_hours_text(profile, Request())
    text = support_hours_text(profile, Request(plan="plus"))
    assert "Phone: +30 210 000 0000, Mon–Fri 09:30–17:30 (Europe/Athens)." in text
