"""Opening a signed pre-fill in the window: verify, start a new draft, say who prepared it.

The link is checked with the profile's key before anything changes (see
:mod:`composer.prefill`); a refused link changes nothing and says why. An
accepted one becomes a new draft with the fields filled in and the notice
"prepared by ..." above the form, which names every field it filled and any
it left out, and shows the agent's note. The customer still goes through
every step and the review.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from composer.i18n import N_, _
from composer.model import PreparedBy
from composer.profile import ProviderProfile
from composer.ui.controller import DraftController
from composer.ui.messages import show_error

__all__ = ["PrefillNotice", "open_prefill", "takes_prefill_codes"]

# What the notice calls each field (the form's own labels, without mnemonics).
_FIELD_LABELS = {
    "domain": N_("Domain"),
    "account": N_("Mailbox or account"),
    "category": N_("Kind of problem"),
    "summary": N_("Summary"),
    "follows_up": N_("Reference of your open request"),
    "urgency": N_("Urgency"),
}


class PrefillNotice(QFrame):
    """The "prepared by" notice above the form; hidden until a pre-fill is opened."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice.prefill")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        self.text = QLabel()
        self.text.setObjectName("notice.prefill.text")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QPushButton()
        self.close_button.setObjectName("notice.prefill.close")
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._prepared: PreparedBy | None = None
        self._filled: list[str] = []
        self._ignored: list[str] = []
        self.hide()
        self.retranslate()

    def show_prepared(self, prepared: PreparedBy, filled: list[str], ignored: list[str]) -> None:
        self._prepared, self._filled, self._ignored = prepared, filled, ignored
        self.retranslate()
        self.show()

    def retranslate(self) -> None:
        self.close_button.setText(_("Hide"))
        self.close_button.setAccessibleName(_("Hide the note about the prepared request"))
        prepared = self._prepared
        if prepared is None:
            self.text.clear()
            return
        who = prepared.staff if not prepared.provider else f"{prepared.staff}, {prepared.provider}"
        lines = [
            _(
                "{who} prepared this request for you. Check every step, add what is missing, then send it."
            ).format(who=who)
        ]
        if self._filled:
            names = ", ".join(_(_FIELD_LABELS.get(name, name)) for name in self._filled)
            lines.append(_("Filled in: {fields}.").format(fields=names))
        if self._ignored:
            names = ", ".join(_(_FIELD_LABELS.get(name, name)) for name in self._ignored)
            lines.append(_("Left out, because the form would not accept it: {fields}.").format(fields=names))
        if prepared.note:
            lines.append(_("Note from support: {note}").format(note=prepared.note))
        self.text.setText("\n".join(lines))
        self.setAccessibleName(self.text.text())


def takes_prefill_codes(profile: ProviderProfile) -> bool:
    """Whether the profile's relay can hand out pre-fills by code and the app can check them."""
    if not profile.prefill.public_key:
        return False
    return any(channel.key() == "intake" for channel in profile.channels)


def open_prefill(parent: QWidget, controller: DraftController, notice: PrefillNotice, text: str) -> bool:
    """Verify ``text`` (a link, a file's content or a token) and open it as a new draft.

    Returns False, after saying why, when the pre-fill is refused.
    """
    from composer import prefill  # cryptography: loaded when a pre-fill is opened, not at start

    try:
        verified = prefill.read_prefill(text, controller.profile.prefill.public_key)
    except prefill.PrefillError as error:
        show_error(parent, error, title=_("This link cannot be used"))
        return False
    categories = {category.id for category in controller.profile.effective_categories()}
    controller.new()
    base = controller.request
    request, ignored = prefill.apply_prefill(base, verified, categories=categories)
    changes = {
        name: value for name, value in request if name != "updated_at" and getattr(base, name) != value
    }
    controller.update(**changes)  # saved as a draft at once: a crash now keeps it
    prepared = request.prepared_by
    assert prepared is not None
    notice.show_prepared(prepared, [name for name in _FIELD_LABELS if name in changes], ignored)
    return True
