"""The evidence step: drop, paste, limits, secret scrubbing, removal."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from composer.profile import Limits
from composer.store import Store
from composer.ui.main_window import MainWindow
from composer.ui.steps.evidence import EvidenceStep
from tests.ui.conftest import when_modal

SECRET = "s3cr3t-Passw0rd!"
LOG = f"""2026-11-21 15:02:11 login ok
GET https://shop.example.gr/wp-login.php?redirect_to=/ HTTP/1.1
Authorization: Basic dXNlcjpzM2NyM3QtUGFzc3cwcmQh
mysql://wpuser:{SECRET}@localhost/wordpress
2026-11-21 15:02:12 Error establishing a database connection
"""


def evidence(window: MainWindow) -> EvidenceStep:
    step = next(s for s in window.steps if isinstance(s, EvidenceStep))
    window.go(window.steps.index(step))
    return step


def drop(step: EvidenceStep, mime: QMimeData) -> None:
    """Qt only delivers drop events that its drag manager started, so the handlers are called."""
    position = QPointF(10, 10)
    enter = QDragEnterEvent(
        position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    step.dragEnterEvent(enter)
    assert enter.isAccepted()
    event = QDropEvent(
        position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    step.dropEvent(event)
    assert event.isAccepted()


def test_dropped_files_are_stored_and_listed(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    step = evidence(window)
    picture = tmp_path / "error.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    image.save(str(picture))
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(picture)), QUrl.fromLocalFile(str(pdf))])
    drop(step, mime)
    qtbot.waitUntil(lambda: len(window.controller.request.attachments) == 2, timeout=5000)
    names = sorted(a.name for a in window.controller.request.attachments)
    assert names == ["error.png", "invoice.pdf"]
    for attachment in window.controller.request.attachments:
        source = picture if attachment.name == "error.png" else pdf
        assert store.attachment_path(attachment).read_bytes() == source.read_bytes()
    listing = window.findChild(QListWidget, "evidence.list")
    assert listing is not None and listing.count() == 2


def test_a_pasted_picture_becomes_a_png(qtbot: QtBot, window: MainWindow, store: Store) -> None:
    step = evidence(window)
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("blue"))
    QApplication.clipboard().setImage(image)
    qtbot.mouseClick(step.paste, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.controller.request.attachments) == 1, timeout=5000)
    attachment = window.controller.request.attachments[0]
    assert attachment.media_type == "image/png"
    stored = QImage(str(store.attachment_path(attachment)))
    assert (stored.width(), stored.height()) == (64, 48)
    assert stored.pixelColor(5, 5) == QColor("blue")


def test_secrets_in_a_text_file_are_shown_and_removed(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    step = evidence(window)
    log = tmp_path / "error.log"
    log.write_text(LOG, encoding="utf-8")
    seen: list[int] = []

    def accept(dialog: QWidget) -> None:
        matches = dialog.findChild(QListWidget, "scrub.matches")
        assert matches is not None
        seen.append(matches.count())
        button = dialog.findChild(QPushButton, "scrub.accept")
        assert button is not None
        button.click()

    when_modal(accept)
    step.add_path(log)
    qtbot.waitUntil(lambda: len(window.controller.request.attachments) == 1, timeout=5000)
    assert seen and seen[0] >= 2
    stored = store.attachment_path(window.controller.request.attachments[0]).read_text(encoding="utf-8")
    assert SECRET not in stored and "dXNlcjpzM2NyM3QtUGFzc3cwcmQh" not in stored
    assert "[removed]" in stored
    assert "Error establishing a database connection" in stored
    assert "removed" in window.controller.request.attachments[0].description


def test_a_file_over_the_limit_is_refused_with_a_reason(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    profile = window.controller.profile
    window.controller.profile = profile.model_copy(update={"limits": Limits(attachment_mb=0.01, total_mb=1)})
    step = evidence(window)
    big = tmp_path / "huge.bin"
    big.write_bytes(b"\x00" * 50_000)
    step.add_path(big)
    message = window.findChild(QLabel, "evidence.message")
    assert message is not None
    qtbot.waitUntil(lambda: "most one file may be" in message.text(), timeout=5000)
    assert "huge.bin" in message.text()
    assert window.controller.request.attachments == ()


def test_removing_an_attachment(qtbot: QtBot, window: MainWindow) -> None:
    step = evidence(window)
    mime = QMimeData()
    mime.setText("Delivery to the following recipient failed permanently: anna@example.gr")
    drop(step, mime)
    qtbot.waitUntil(lambda: len(window.controller.request.attachments) == 1, timeout=5000)
    step.list.setCurrentRow(0)
    qtbot.mouseClick(step.remove, Qt.MouseButton.LeftButton)
    assert window.controller.request.attachments == ()


def test_the_review_lists_attachments_and_the_report_and_can_drop_them(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    from datetime import UTC, datetime

    from composer.model import Finding, Report, Severity

    picture = QImage(300, 200, QImage.Format.Format_RGB32)
    picture.fill(QColor("green"))
    step = evidence(window)
    step.add_image(picture, "screen.png")
    qtbot.waitUntil(lambda: len(window.controller.request.attachments) == 1, timeout=5000)
    report = Report(
        domain="example.gr",
        started_at=datetime.now(UTC),
        findings=(Finding(code="web.cert_expired", severity=Severity.PROBLEM, title="Expired"),),
    )
    window.controller.update(report=report)
    window.go(len(window.steps) - 1)
    listing = window.findChild(QListWidget, "review.attachments")
    sent_with = window.findChild(QLabel, "review.sent_with")
    assert listing is not None and sent_with is not None
    assert listing.count() == 1 and "screen.png" in listing.item(0).text()
    assert "diagnostics.json" in sent_with.text() and "1 file," in sent_with.text()

    def thumbnail_is_the_picture() -> bool:
        image = listing.item(0).icon().pixmap(72, 72).toImage()
        return image.pixelColor(image.width() // 2, image.height() // 2) == QColor("green")

    qtbot.waitUntil(thumbnail_is_the_picture, timeout=5000)
    remove_report = window.findChild(QPushButton, "action.remove_report")
    assert remove_report is not None
    qtbot.mouseClick(remove_report, Qt.MouseButton.LeftButton)
    assert window.controller.request.report is None
    listing.setCurrentRow(0)
    remove = window.findChild(QPushButton, "action.review_remove_attachment")
    assert remove is not None
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert window.controller.request.attachments == ()
    assert "Nothing is attached" in sent_with.text()


def test_a_password_typed_into_the_description_is_removed_before_saving(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.controller.update(description=f"My FTP login is ftp://maria:{SECRET}@ftp.example.gr/ and it fails")

    def accept(dialog: QWidget) -> None:
        button = dialog.findChild(QPushButton, "scrub.accept")
        assert button is not None
        button.click()

    when_modal(accept)
    assert window.scrub_fields()
    assert SECRET not in window.controller.request.description
    assert "ftp://maria:[removed]@ftp.example.gr/" in window.controller.request.description


def test_a_big_photo_is_shrunk_off_the_gui_thread_and_the_saving_shown(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path
) -> None:
    import random

    photo = tmp_path / "phone.jpg"
    width, height = 3000, 2000
    noise = random.Random(7).randbytes(width * height * 3)
    image = QImage(noise, width, height, width * 3, QImage.Format.Format_RGB888).copy()
    image.save(str(photo), "JPEG", 95)
    assert photo.stat().st_size > 1024 * 1024
    step = evidence(window)
    step.add_path(photo)
    qtbot.waitUntil(lambda: len(window.controller.request.attachments) == 1, timeout=20000)
    attachment = window.controller.request.attachments[0]
    assert attachment.size < photo.stat().st_size
    assert "reduced from" in attachment.description
    stored = QImage(str(store.attachment_path(attachment)))
    assert max(stored.width(), stored.height()) <= 2560


def test_a_captured_window_is_edited_before_it_is_attached(
    qtbot: QtBot, window: MainWindow, store: Store
) -> None:
    from composer.ui.capture_sources import grab_widget

    step = evidence(window)
    shot = grab_widget(window)
    assert not shot.isNull()

    def black_out_and_finish(dialog: QWidget) -> None:
        from PySide6.QtCore import QRect

        from composer.ui.redaction_editor import RedactionEditor

        assert isinstance(dialog, RedactionEditor)
        dialog.add_redaction(QRect(0, 0, 50, 40))
        dialog.accept()

    when_modal(black_out_and_finish)
    step.edit_and_add(shot)
    qtbot.waitUntil(lambda: len(window.controller.request.attachments) == 1, timeout=10000)
    stored = QImage(str(store.attachment_path(window.controller.request.attachments[0])))
    assert stored.pixelColor(10, 10) == QColor("black")
    assert window.controller.request.attachments[0].name.startswith("Screenshot")
