"""The redaction editor: what is covered is really gone from the exported picture."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QAbstractButton
from pytestqt.qtbot import QtBot

from composer.ui.redaction_editor import TOOLS, RedactionEditor


def _stripes(width: int = 400, height: int = 300) -> QImage:
    """Vertical stripes of 10 px: red, green, blue, white, again and again."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    colours = [QColor("#ff0000"), QColor("#00ff00"), QColor("#0000ff"), QColor("#ffffff")]
    painter = QPainter(image)
    for index, x in enumerate(range(0, width, 10)):
        painter.fillRect(QRect(x, 0, 10, height), colours[index % 4])
    painter.end()
    return image


def _editor(qtbot: QtBot, image: QImage | None = None) -> RedactionEditor:
    editor = RedactionEditor(image if image is not None else _stripes())
    qtbot.addWidget(editor)
    return editor


def _changed_pixels(a: QImage, b: QImage) -> int:
    a, b = a.convertToFormat(QImage.Format.Format_RGB32), b.convertToFormat(QImage.Format.Format_RGB32)
    return sum(
        1 for y in range(0, a.height(), 2) for x in range(0, a.width(), 2) if a.pixel(x, y) != b.pixel(x, y)
    )


def test_redaction_box_replaces_the_pixels(qtbot: QtBot) -> None:
    original = _stripes()
    editor = _editor(qtbot, original)
    editor.add_redaction(QRect(20, 30, 100, 50))
    result = editor.edited_image()
    assert result.size() == original.size()
    for x, y in [(20, 30), (70, 55), (119, 79)]:
        assert result.pixelColor(x, y).name() == "#000000"
        assert result.pixelColor(x, y).alpha() == 255
    assert result.pixelColor(19, 30) == original.pixelColor(19, 30)
    assert result.pixelColor(120, 30) == original.pixelColor(120, 30)
    assert result.pixelColor(70, 81) == original.pixelColor(70, 81)
    # The original is untouched and not what comes out.
    assert original.pixelColor(70, 55).name() != "#000000"
    assert editor.original_image() == original
    assert result is not original


def test_redaction_is_opaque_on_a_transparent_picture(qtbot: QtBot) -> None:
    image = QImage(50, 50, QImage.Format.Format_ARGB32)
    image.fill(QColor(255, 0, 0, 0))
    editor = _editor(qtbot, image)
    editor.add_redaction(QRect(0, 0, 10, 10))
    assert editor.edited_image().pixelColor(5, 5) == QColor(0, 0, 0, 255)


def test_arrows_frames_and_labels_change_pixels(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    before = editor.edited_image()
    editor.add_arrow(QPoint(300, 250), QPoint(100, 100))
    after_arrow = editor.edited_image()
    assert _changed_pixels(before, after_arrow) > 50
    editor.add_box(QRect(200, 20, 150, 100))
    after_box = editor.edited_image()
    assert _changed_pixels(after_arrow, after_box) > 50
    editor.add_text(QPoint(10, 200), "Error here")
    assert _changed_pixels(after_box, editor.edited_image()) > 50
    assert editor.edited_image().pixelColor(10, 200).name() == "#ffffff"  # label background


def test_crop_changes_the_size(qtbot: QtBot) -> None:
    original = _stripes()
    editor = _editor(qtbot, original)
    editor.crop_to(QRect(40, 10, 120, 80))
    result = editor.edited_image()
    assert (result.width(), result.height()) == (120, 80)
    assert result.pixelColor(0, 0) == original.pixelColor(40, 10)


def test_undo_and_redo_restore(qtbot: QtBot) -> None:
    original = _stripes()
    editor = _editor(qtbot, original)
    editor.add_redaction(QRect(0, 0, 50, 50))
    editor.crop_to(QRect(0, 0, 100, 100))
    redacted_cropped = editor.edited_image()
    editor.undo_stack.undo()
    assert editor.edited_image().size() == original.size()
    editor.undo_stack.undo()
    assert editor.edited_image() == original.convertToFormat(QImage.Format.Format_ARGB32)
    assert not editor.undo_button.isEnabled()
    qtbot.mouseClick(editor.redo_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.redo_button, Qt.MouseButton.LeftButton)
    assert editor.edited_image() == redacted_cropped


def test_drawing_with_the_mouse_uses_the_chosen_tool(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    editor.resize(600, 500)
    editor.show()
    qtbot.waitExposed(editor)
    canvas = editor.canvas
    qtbot.mouseClick(editor.tool_buttons["redact"], Qt.MouseButton.LeftButton)
    centre = canvas.rect().center()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=centre - QPoint(20, 20))
    qtbot.mouseMove(canvas, centre)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=centre + QPoint(20, 20))
    assert editor.undo_stack.count() == 1
    middle = canvas.to_image(centre)
    assert editor.edited_image().pixelColor(middle).name() == "#000000"


def test_keyboard_only_redaction_and_shortcuts(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    editor.show()
    editor.activateWindow()
    qtbot.waitActive(editor)
    qtbot.keyClick(editor, Qt.Key.Key_B)
    assert editor.tool() == "box"
    qtbot.keyClick(editor, Qt.Key.Key_R)
    assert editor.tool() == "redact"
    editor.canvas.setFocus()
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Right)
    qtbot.keyClick(editor.canvas, Qt.Key.Key_Return)
    assert editor.undo_stack.count() == 1
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.undo_stack.index() == 0


def test_object_names_and_retranslate(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    names = {b.objectName() for b in editor.findChildren(QAbstractButton)}
    expected = {f"editor.tool.{t}" for t in TOOLS} | {"editor.undo", "editor.redo", "editor.done"}
    assert expected <= names
    editor.retranslate()
    assert editor.tool_buttons["redact"].text() == "&Hide"
    assert editor.windowTitle() == "Edit the screenshot"


def test_done_accepts(qtbot: QtBot) -> None:
    editor = _editor(qtbot)
    with qtbot.waitSignal(editor.accepted, timeout=1000):
        editor.done_button.click()
