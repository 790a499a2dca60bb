"""The main window: the steps of the form on the left, the current step, Back and Next."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from composer import i18n
from composer.i18n import _
from composer.profile import ProviderProfile
from composer.store import Store
from composer.ui.accessibility import describe_controls
from composer.ui.coach import FIELD_PLACES, coach_html, step_items, step_ticks, support_hours_text
from composer.ui.controller import DraftController
from composer.ui.delivery import DeliveryController
from composer.ui.kb_actions import article_outcome
from composer.ui.kb_panel import KbPanel
from composer.ui.mnemonics import mnemonic_letter
from composer.ui.prefill_open import PrefillNotice, takes_prefill_codes
from composer.ui.scrub_dialog import FieldScrubber
from composer.ui.sending import Sending
from composer.ui.step_pages import ChecksOptions, StepPages, step_builders
from composer.ui.steps.base import Step
from composer.ui.visibility import default_window_size, let_choices_shrink
from composer.ui.window_drafts import DraftActions

if TYPE_CHECKING:
    from composer.diagnostics.settings import DiagnosticsSettings
    from composer.ui.steps.checks import ChecksStep
    from composer.ui.steps.review import ReviewStep
    from composer.ui.steps.who import WhoStep

#: after the first paint, how long the window waits before it builds the steps not shown yet
#: (one per turn of the event loop): the first keys typed are taken before them
BUILD_LATER_DELAY_MS = 150

__all__ = ["MainWindow"]


class MainWindow(DraftActions):
    """The guided form. All state is in ``controller.request``.

    With ``build_later`` (the app's start) only the first step is built with
    the window; the others are built when reached or asked for
    (:class:`~composer.ui.step_pages.StepPages`), and else one at a time
    shortly after the first paint. ``shown_who`` is the first step as the
    app's window showed it before the form was loaded, with what the user
    typed in it: the form takes it (and the typing into the draft).
    """

    steps: StepPages

    def __init__(
        self,
        profile: ProviderProfile,
        store: Store,
        *,
        autosave_delay: float = 0.3,
        diagnostics: DiagnosticsSettings | Callable[[], DiagnosticsSettings] | None = None,
        auto_checks: bool = True,
        delivery: DeliveryController | None = None,
        build_later: bool = False,
        shown_who: WhoStep | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("window.main")
        self.store = store
        self.controller = DraftController(profile, store, autosave_delay=autosave_delay, parent=self)
        self.controller.changed.connect(self._refresh)
        self.controller.saved.connect(self._saved)
        self.controller.save_failed.connect(self._save_failed)
        self.last_bundle: Path | None = None

        # the settings (or their loader) are read when the checks first run, not at start
        checks = ChecksOptions(diagnostics, auto_checks, store.folder / "cache")
        self.steps = StepPages(step_builders(self.controller, checks, shown_who=shown_who), self._step_built)
        self._build_later = build_later
        self._ready = False  # set once the window is built: steps built before are set up then

        # the outbox: requests are written to disk first, then sent in the background
        self.sending = Sending(self, self.controller, store, delivery)
        self.sending.submitted.connect(self._submitted)
        self.sending.resume_requested.connect(self._resume)
        self.delivery = self.sending.delivery
        self.prompts = self.sending.prompts

        central = QWidget()
        layout = QHBoxLayout(central)
        side = QVBoxLayout()
        # The side panel grows with the font (125 %, 150 %), the step titles wrap and
        # every row stays in sight, and a long coach text scrolls instead of being cut.
        side_width = max(230, self.fontMetrics().averageCharWidth() * 32)
        self.step_list = QListWidget()
        self.step_list.setObjectName("steps")
        self.step_list.setFixedWidth(side_width)
        self.step_list.setWordWrap(True)
        self.step_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.step_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.step_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.step_list.currentRowChanged.connect(self._show_step)
        side.addWidget(self.step_list)
        self.readiness_label = QLabel()
        self.readiness_label.setWordWrap(True)
        self.readiness_label.setFixedWidth(side_width)
        side.addWidget(self.readiness_label)
        self.readiness = QProgressBar()
        self.readiness.setObjectName("readiness")
        self.readiness.setRange(0, 100)
        self.readiness.setFixedWidth(side_width)
        side.addWidget(self.readiness)
        self.coach = QLabel()
        self.coach.setObjectName("coach")
        self.coach.setWordWrap(True)
        self.coach.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.coach.setMargin(8)
        coach_scroll = QScrollArea()
        coach_scroll.setObjectName("coach.scroll")
        coach_scroll.setWidgetResizable(True)
        coach_scroll.setFixedWidth(side_width)
        coach_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        coach_scroll.setFrameShape(QFrame.Shape.StyledPanel)
        coach_scroll.setWidget(self.coach)
        side.addWidget(coach_scroll, 1)
        layout.addLayout(side)

        main = QVBoxLayout()
        self.header = QLabel()
        self.header.setObjectName("header")
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.header.setFont(font)
        main.addWidget(self.header)
        self.prefill_notice = PrefillNotice()  # "prepared by ...", shown when a pre-fill link is opened
        main.addWidget(self.prefill_notice)
        self.pages = QStackedWidget()
        for _index in range(len(self.steps)):
            holder = QWidget()  # the step's page goes in here when the step is built
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.pages.addWidget(holder)
            self.step_list.addItem(QListWidgetItem())
        main.addWidget(self.pages, 1)
        nav = QHBoxLayout()
        self.position = QLabel()
        self.position.setObjectName("step.position")
        nav.addWidget(self.position)
        nav.addStretch(1)
        self.back = QPushButton()
        self.back.setObjectName("action.back")
        self.back.clicked.connect(lambda: self.go(self.pages.currentIndex() - 1))
        self.next = QPushButton()
        self.next.setObjectName("action.next")
        self.next.clicked.connect(lambda: self.go(self.pages.currentIndex() + 1))
        nav.addWidget(self.back)
        nav.addWidget(self.next)
        main.addLayout(nav)
        layout.addLayout(main, 1)
        self.setCentralWidget(central)
        self.field_scrubber = FieldScrubber(self, self.controller)  # passwords shown as they are typed

        self._build_menus()
        self._unsubscribe = i18n.on_language_changed(lambda _code: self.retranslate())
        self._ready = True
        for index in range(len(self.steps)):
            if self.steps.is_built(index):  # built while the window was (its page is set up now)
                self._step_built(index, self.steps[index])
        if not build_later:
            while self.steps.build_next():
                pass
        self.retranslate()
        self.step_list.setCurrentRow(0)  # builds the first step
        self.resize(default_window_size(self))  # 980 x 720, larger with a larger system font

    # -- the steps ----------------------------------------------------------

    @property
    def who(self) -> WhoStep:
        return cast("WhoStep", self.steps[0])

    @property
    def checks(self) -> ChecksStep:
        return cast("ChecksStep", self.steps[2])

    @property
    def review(self) -> ReviewStep:
        return cast("ReviewStep", self.steps[5])

    def _step_built(self, index: int, step: Step) -> None:
        """Put a newly built step on its page and connect it (steps built before the window is, later)."""
        if not self._ready:
            return
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no Tab stop of its own: its fields have them
        scroll.setWidget(step)
        page = _with_action_bar(scroll, step)
        holder = self.pages.widget(index)
        layout = holder.layout() if holder is not None else None
        assert layout is not None
        layout.addWidget(page)
        # Tab goes from the page's last control to Back and Next, as when pages were built first
        # (the page has just joined the end of the window's focus chain, before the window itself;
        # Qt orders only widgets that take the focus)
        last = self.previousInFocusChain()
        while last is not None and page.isAncestorOf(last) and last.focusPolicy() == Qt.FocusPolicy.NoFocus:
            last = last.previousInFocusChain()
        if last is not None and page.isAncestorOf(last):
            QWidget.setTabOrder(last, self.back)
            QWidget.setTabOrder(self.back, self.next)
        if step.key == "who":
            # an identity's secrets go to the keyring through the delivery
            cast("WhoStep", step).identities.delivery = self.delivery
        elif step.key == "review":
            review = cast("ReviewStep", step)
            review.go_to_field.connect(self.go_to_field)
            review.send_requested.connect(self.send_request)
        panel = getattr(step, "articles", None)
        if isinstance(panel, KbPanel):
            panel.outcome.connect(lambda article, outcome: article_outcome(self, article, outcome))
        step.reload()  # the widgets show the draft's values, not their own defaults
        step.retranslate()
        describe_controls(page)  # accessible names and descriptions
        let_choices_shrink(page)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._build_later:
            self._build_later = False
            QTimer.singleShot(BUILD_LATER_DELAY_MS, self, self._build_one_later)  # (not once it is gone)

    def _build_one_later(self) -> None:
        """Build the next step not built yet, then give the event loop a turn before the next one."""
        if self.steps.build_next():
            QTimer.singleShot(0, self, self._build_one_later)

    # -- menus ------------------------------------------------------------

    def _action(
        self,
        name: str,
        handler: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(handler)
        return action

    def _build_menus(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.act_new = self._action("action.new", self.new_request, QKeySequence.StandardKey.New)
        self.act_drafts = self._action("action.drafts", self.show_drafts)
        self.act_open = self._action("action.open_bundle", self.open_bundle, QKeySequence.StandardKey.Open)
        self.act_code = self._action("action.prefill_code", self.ask_prefill_code)
        self.act_save = self._action("action.save_bundle", self.save_bundle, QKeySequence.StandardKey.Save)
        self.act_profile = self._action("action.open_profile", self.open_profile)
        self.act_outbox = self._action("action.outbox", self.sending.show_outbox)
        self.act_history = self._action("action.history", self.sending.show_history)
        self.act_quit = self._action("action.quit", self.close, QKeySequence.StandardKey.Quit)
        for action in (self.act_new, self.act_drafts, self.act_open, self.act_code, self.act_save):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_outbox)
        self.file_menu.addAction(self.act_history)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_profile)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        self.act_next = self._action(
            "action.next_step", lambda: self.go(self.pages.currentIndex() + 1), QKeySequence("Ctrl+PgDown")
        )
        self.act_back = self._action(
            "action.previous_step", lambda: self.go(self.pages.currentIndex() - 1), QKeySequence("Ctrl+PgUp")
        )
        self.addAction(self.act_next)
        self.addAction(self.act_back)
        # Alt+N / Alt+B in every language (see composer/ui/mnemonics.py)
        self.act_next_latin = self._action(
            "action.next_alt_n", lambda: self.go(self.pages.currentIndex() + 1), QKeySequence("Alt+N")
        )
        self.act_back_latin = self._action(
            "action.back_alt_b", lambda: self.go(self.pages.currentIndex() - 1), QKeySequence("Alt+B")
        )
        self.addAction(self.act_next_latin)
        self.addAction(self.act_back_latin)

        self.settings_menu = self.menuBar().addMenu("")
        self.act_network = self._action("action.network_settings", self.edit_network_settings)
        self.settings_menu.addAction(self.act_network)
        self.act_mail = self._action("action.mail_settings", self.sending.edit_mail_settings)
        self.settings_menu.addAction(self.act_mail)
        self.act_identities = self._action("action.identities_menu", self.who.identities.edit)
        self.settings_menu.addAction(self.act_identities)
        self.language_menu = self.settings_menu.addMenu("")
        self.language_menu.setObjectName("menu.language")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code in i18n.available_languages():
            action = QAction(i18n.language_name(code), self, checkable=True)
            action.setObjectName(f"action.language.{code}")
            action.triggered.connect(lambda _checked=False, c=code: self.set_language(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action

    def edit_network_settings(self) -> None:
        from composer.ui.settings_dialog import NetworkSettingsDialog, save_diagnostics_settings

        dialog = NetworkSettingsDialog(self.checks.settings, self)
        if dialog.exec():
            self.checks.settings = dialog.result_settings
            save_diagnostics_settings(dialog.result_settings)

    def set_language(self, code: str) -> None:
        i18n.set_language(code)
        QSettings().setValue("language", code)

    # -- translation ------------------------------------------------------

    def retranslate(self) -> None:
        profile = self.controller.profile
        self.prefill_notice.retranslate()
        self.setWindowTitle(_("{provider} – Request Composer").format(provider=profile.provider.name))
        self.file_menu.setTitle(_("&File"))
        self.act_new.setText(_("&New request"))
        self.act_drafts.setText(_("&Unfinished requests…"))
        self.act_open.setText(_("&Open request file…"))
        self.act_code.setText(_("Open a prepared request by &code…"))
        # only where the provider's relay can hand out signed pre-fills, and the app can check them
        self.act_code.setVisible(takes_prefill_codes(profile))
        self.act_save.setText(_("&Save request as file…"))
        self.act_profile.setText(_("Open &provider profile…"))
        self.act_quit.setText(_("&Quit"))
        self.settings_menu.setTitle(_("&Settings"))
        self.act_network.setText(_("&Network checks…"))
        self.act_mail.setText(_("&E-mail sending…"))
        self.act_identities.setText(_("&Identities and clients…"))
        self.act_outbox.setText(_("Out&box…"))
        self.act_history.setText(_("Sent &requests…"))
        self.language_menu.setTitle(_("&Language"))
        current = i18n.current_language()
        if current in self.language_actions:
            self.language_actions[current].setChecked(True)
        self.readiness_label.setText(_("How complete your request is:"))
        self.back.setText(_("< &Back"))
        self.act_back_latin.setEnabled(mnemonic_letter(self.back.text()) != "b")
        for step in self.steps.built():
            step.retranslate()
        self._refresh()
        describe_controls(self)  # accessible names and descriptions, in the new language too
        let_choices_shrink(self)  # long choices (in Greek, at 150 %) must not widen the page

    # -- navigation -------------------------------------------------------

    def go(self, index: int) -> None:
        if 0 <= index < len(self.steps):
            self.step_list.setCurrentRow(index)

    def _show_step(self, index: int) -> None:
        if index < 0:
            return
        self.pages.setCurrentIndex(index)
        step = self.steps[index]
        self._refresh()
        fields = step.fields()
        target = step.field_widget(fields[0]) if fields else None
        if step.key == "who":
            # the pickers stand above the fields
            target = cast("WhoStep", step).identities.first_control() or target
        elif step.key == "review":
            review = cast("ReviewStep", step)
            target = review.send if self.controller.readiness.can_send else review.problems
        elif step.key == "checks":
            checks = cast("ChecksStep", step)
            target = checks.rerun if checks.rerun.isEnabled() else checks.checks
        elif step.key == "evidence":
            target = getattr(step, "add_files", target)
        if step.key in ("evidence", "review"):
            self.sending.load_known_secrets()  # the requester or the mail settings may have changed
        if target is not None:
            target.setFocus()

    def go_to_field(self, field: str) -> None:
        """Show the step that holds ``field`` and put the cursor in it."""
        if field.startswith("answers."):
            place = ("happens", "question." + field.split(".", 1)[1])
        else:
            place = FIELD_PLACES.get(field, ("", ""))
        for index in range(len(self.steps)):
            if self.steps.key(index) != place[0]:
                continue
            step = self.steps[index]
            self.go(index)
            widget = step.field_widget(place[1]) or step.findChild(QWidget, place[1])
            if widget is not None:
                widget.setFocus()
                page = self.pages.widget(index)
                scroll = (
                    page if isinstance(page, QScrollArea) or page is None else page.findChild(QScrollArea)
                )
                if scroll is not None:
                    scroll.ensureWidgetVisible(widget)
            return

    def _refresh(self) -> None:
        index = self.pages.currentIndex()
        readiness = self.controller.readiness
        ticks = step_ticks(readiness, self.controller.request)
        for row in range(len(self.steps)):
            mark = "✓ " if self.steps.key(row) in ticks else "   "
            self.step_list.item(row).setText(f"{mark}{row + 1}. {self.steps.title(row)}")
        self._fit_step_list()
        if index < 0:
            return
        step = self.steps[index]
        self.header.setText(step.title())
        self.position.setText(_("Step {number} of {count}").format(number=index + 1, count=len(self.steps)))
        self.back.setEnabled(index > 0)
        self.next.setEnabled(index < len(self.steps) - 1)
        self.next.setText(_("&Next >"))
        self.act_next_latin.setEnabled(mnemonic_letter(self.next.text()) != "n")
        self.next.setDefault(index < len(self.steps) - 1)
        self.readiness.setValue(readiness.score)
        self.readiness.setFormat(_("{score} %").format(score=readiness.score))
        self._update_coach(step)

    def _fit_step_list(self) -> None:
        """Tall enough for every step's row, however the titles wrap."""
        rows = sum(max(self.step_list.sizeHintForRow(r), 0) for r in range(self.step_list.count()))
        self.step_list.setMinimumHeight(rows + 2 * self.step_list.frameWidth() + 4)

    def _update_coach(self, step: Step) -> None:
        if step.key == "review":
            self.coach.setText(support_hours_text(self.controller.profile, self.controller.request))
            return
        readiness = self.controller.readiness
        complete = step.key in step_ticks(readiness, self.controller.request)
        self.coach.setText(coach_html(step_items(readiness, step.key), complete=complete))

    # -- closing ----------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.steps.is_built(2):
            self.checks.shutdown()
        self.controller.close()
        self.sending.close()
        self._unsubscribe()
        super().closeEvent(event)


def _with_action_bar(scroll: QScrollArea, step: Step) -> QWidget:
    """The page of a step: its scrolled form, and under it the step's action bar if it has one."""
    bar = getattr(step, "action_bar", None)
    if not isinstance(bar, QWidget):
        return scroll
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(scroll, 1)
    layout.addWidget(bar)
    return page
