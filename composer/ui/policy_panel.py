"""The provider's policy for this request, shown before sending (:mod:`composer.policy` in widgets).

The panel lets the user pick their support plan (the profile's default until
they do) and shows what follows from it for the request being written:
whether it can be filed by this person (and what to do if not), the
official way to reach support and the ways that are advice only, with their
hours and when they open in the user's own time, whether the work is free,
paid, by agreement or never done, and the provider's priority and response
target. It re-renders on every change of the draft and once a minute, so
"open now" stays true.

Stable object names: ``review.policy`` (the panel), ``policy.plan``,
``policy.plan_note``, ``policy.filing``, ``policy.admin_address``, ``policy.contacts``,
``policy.sent_with``, ``policy.scope``, ``policy.priority``, ``policy.links``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from composer.i18n import _
from composer.identities import filing_warning
from composer.model import Request
from composer.policy import ContactStatus, Policy, describe_filing, for_request
from composer.policy_hours import describe_hours, describe_moment
from composer.ui.controller import DraftController

__all__ = ["PolicyPanel"]

_TERMS = {
    "free": lambda: _("Included in your support, free"),
    "paid": lambda: _("Paid extra"),
    "agreement": lambda: _("Only by agreement"),
    "never": lambda: _("Not done by support"),
}


def _label(name: str, *, links: bool = False) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setOpenExternalLinks(links)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    return label


class PolicyPanel(QFrame):
    """What the provider says about this request: plan, who may file, channels, scope, priority."""

    def __init__(
        self,
        controller: DraftController,
        parent: QWidget | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("review.policy")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.controller = controller
        self._clock = clock or (lambda: datetime.now().astimezone())
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("policy.title")
        layout.addWidget(self.title)
        form = QFormLayout()
        self.plan_label = QLabel()
        self.plan = QComboBox()
        self.plan.setObjectName("policy.plan")
        self.plan_label.setBuddy(self.plan)
        self.plan.currentIndexChanged.connect(self._plan_changed)
        form.addRow(self.plan_label, self.plan)
        self.plan_note = _label("policy.plan_note")
        form.addRow("", self.plan_note)
        self.admin_label = QLabel()
        self.admin_address = QLineEdit()
        self.admin_address.setObjectName("policy.admin_address")
        self.admin_label.setBuddy(self.admin_address)
        self.admin_address.textEdited.connect(
            lambda text: controller.update_requester(admin_address=text.strip())
        )
        form.addRow(self.admin_label, self.admin_address)
        self.form = form
        layout.addLayout(form)
        self.filing = _label("policy.filing")
        self.contacts = _label("policy.contacts", links=True)
        self.sent_with = _label("policy.sent_with")
        self.scope = _label("policy.scope")
        self.priority = _label("policy.priority")
        self.links = _label("policy.links", links=True)
        for widget in (self.filing, self.contacts, self.sent_with, self.scope, self.priority, self.links):
            layout.addWidget(widget)
        self._filling = False
        controller.changed.connect(self.refresh)
        controller.replaced.connect(self.refresh)
        self._timer = QTimer(self)
        self._timer.setInterval(60_000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.retranslate()

    def retranslate(self) -> None:
        self.plan_label.setText(_("Your support &plan:"))
        self.admin_label.setText(_("The account's &administrator address:"))
        self.admin_address.setPlaceholderText(_("the e-mail address the service was ordered from"))
        self.refresh()

    def policy(self) -> Policy:
        now = self._clock()
        zone = now.tzinfo or datetime.now().astimezone().tzinfo
        assert zone is not None
        return for_request(self.controller.profile, self.controller.request, now=now, user_zone=zone)

    def refresh(self) -> None:
        profile = self.controller.profile
        request = self.controller.request
        now = self._clock()
        policy = self.policy()
        self.title.setText(
            "<b>{}</b>".format(
                escape(_("How {provider} handles this request").format(provider=profile.provider.name))
            )
        )
        self._fill_plans(policy)
        self.plan_note.setText(self._plan_html(policy))
        self.plan_note.setVisible(bool(self.plan_note.text()))
        self._show_filing(policy, request)
        self.contacts.setText(self._contacts_html(policy, now))
        self.sent_with.setText(self._sent_with_text(policy))
        self.sent_with.setVisible(bool(self.sent_with.text()))
        self.scope.setText(self._scope_html(policy) + self._general_scope_html(policy))
        self.scope.setVisible(bool(self.scope.text()))
        self.priority.setText(self._priority_html(policy))
        self.priority.setVisible(bool(self.priority.text()))
        links = [
            (policy.knowledge_base, _("Knowledge base: search your error text first")),
            (policy.status_page, _("Status page: known outages")),
            (policy.website, _("Provider's website")),
        ]
        self.links.setText(" · ".join(f'<a href="{escape(u)}">{escape(t)}</a>' for u, t in links if u))
        self.links.setVisible(any(u for u, _t in links))

    def _fill_plans(self, policy: Policy) -> None:
        plans = self.controller.profile.support.plans
        self._filling = True
        try:
            self.plan.clear()
            for plan in plans:
                price = self.controller.profile.text(plan.price)
                name = self.controller.profile.text(plan.name)
                self.plan.addItem(f"{name} ({price})" if price else name, plan.id)
            if policy.plan is not None:
                self.plan.setCurrentIndex(self.plan.findData(policy.plan.id))
        finally:
            self._filling = False
        self.plan.setVisible(bool(plans))
        self.plan_label.setVisible(bool(plans))

    def _plan_changed(self, index: int) -> None:
        if not self._filling and index >= 0:
            self.controller.update(plan=str(self.plan.itemData(index)))

    def _show_filing(self, policy: Policy, request: Request) -> None:
        admin = request.requester.admin_address
        # with a client's owner known, the advice names them (composer.identities)
        warning = filing_warning(self.controller.profile, request)
        why, what = warning if warning is not None else describe_filing(policy.filing)
        self.filing.setText(f"<b>{escape(why)}</b> {escape(what)}" if why else "")
        self.filing.setVisible(bool(why))
        asks_admin = policy.filing.code in {
            "filing.admin_needed",
            "filing.admin_confirm",
            "filing.admin_mismatch",
        }
        self.admin_address.setVisible(asks_admin)
        self.admin_label.setVisible(asks_admin)
        if self.admin_address.text().strip() != admin:
            self.admin_address.setText(admin)

    def _contacts_html(self, policy: Policy, now: datetime) -> str:
        official = [c for c in policy.contacts if c.official]
        advice = [c for c in policy.contacts if not c.official]
        parts = []
        if official:
            parts.append(_("<b>Official</b> (use this first):") + _items(official, now))
        if advice:
            parts.append(_("<b>Advice only</b> (no official request):") + _items(advice, now))
        if policy.critical_written:
            parts.append(escape(_("Outages and security incidents are handled day and night, in writing.")))
        return "".join(parts)

    def _sent_with_text(self, policy: Policy) -> str:
        if policy.sent_officially is None:
            return ""
        if policy.sent_officially:
            return _("This app sends your request the official way.")
        names = ", ".join(c.name for c in policy.official)
        return _(
            "This app's way of sending counts as advice only here. For an official request, copy "
            "the text into: {official}."
        ).format(official=names)

    def _scope_html(self, policy: Policy) -> str:
        scope = policy.scope
        if scope is None:
            return ""
        terms = _TERMS[scope.terms]()
        price = f" ({escape(scope.price)})" if scope.price else ""
        return f"<b>{escape(terms)}</b>{price}: {escape(scope.what)}"

    def _general_scope_html(self, policy: Policy) -> str:
        """The provider's general statements of scope, under the answer for this category."""
        if not policy.general_scope:
            return ""
        rows = "".join(
            "<li>{}{}: {}</li>".format(
                escape(_TERMS[s.terms]()), f" ({escape(s.price)})" if s.price else "", escape(s.what)
            )
            for s in policy.general_scope
        )
        return "<ul>" + rows + "</ul>"

    def _plan_html(self, policy: Policy) -> str:
        plan = policy.plan
        if plan is None:
            return ""
        profile = self.controller.profile
        parts = [escape(profile.text(plan.phone_allowance)), escape(profile.text(plan.note))]
        if plan.after_hours:
            parts.append(escape(_("Your plan includes support outside office hours.")))
        return " ".join(p for p in parts if p)

    def _priority_html(self, policy: Policy) -> str:
        advice = policy.priority
        if advice is None:
            return ""
        parts = []
        if advice.label and advice.target:
            parts.append(
                _("Priority: <b>{label}</b>; response time: {target}.").format(
                    label=escape(advice.label), target=escape(advice.target)
                )
            )
        elif advice.label or advice.target:
            parts.append(_("Priority: <b>{label}</b>.").format(label=escape(advice.label or advice.target)))
        if advice.from_plan:
            parts.append(escape(_("Your plan gives this priority.")))
        if advice.always_open:
            parts.append(escape(_("Handled day and night when sent the official, written way.")))
        if advice.examples:
            parts.append(escape(_("For example: {examples}.").format(examples=", ".join(advice.examples))))
        if advice.overall_target:
            parts.append(escape(_("Overall: {target}.").format(target=advice.overall_target)))
        if advice.assigned_by_support:
            parts.append(escape(_("Support sets the final priority; your urgency is a suggestion.")))
        return " ".join(parts)


def _items(contacts: list[ContactStatus], now: datetime) -> str:
    rows = []
    for status in contacts:
        contact = status.contact
        address = escape(contact.address)
        if contact.address.startswith("https://"):
            address = f'<a href="{address}">{address}</a>'
        state = status.state
        if not status.available:
            when = _("not in your plan")
        elif not state.known:
            when = _("hours not known")
        elif state.open_now and state.closes_at is not None:
            moment = _your_time(state.closes_at, status.hours_zone, now)
            when = _("open now, until {moment}").format(moment=moment)
        elif state.open_now:
            when = _("open day and night")
        elif state.opens_at is not None:
            moment = _your_time(state.opens_at, status.hours_zone, now)
            when = _("closed now, opens {moment}").format(moment=moment)
        else:
            when = _("closed")
        hours = f"; {escape(describe_hours(contact, status.hours_zone))}" if contact.hours else ""
        purpose = f" — {escape(status.purpose)}" if status.purpose else ""
        rows.append(f"<li><b>{escape(status.name)}</b> {address}: {escape(when)}{hours}{purpose}</li>")
    return "<ul>" + "".join(rows) + "</ul>"


def _your_time(moment: datetime, zone_name: str, now: datetime) -> str:
    """``tomorrow at 07:30``, with "your time" when the provider's clock says otherwise."""
    text = describe_moment(moment, now)
    if moment.utcoffset() != moment.astimezone(ZoneInfo(zone_name)).utcoffset():
        text = _("{moment} your time").format(moment=text)
    return text
