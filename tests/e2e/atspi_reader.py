"""What a screen reader sees of the app, read over AT-SPI (run with the system's Python 3).

Run by ``tests/e2e/test_screen_reader.py`` as ``/usr/bin/python3
tests/e2e/atspi_reader.py APP-NAME [--type NAME=TEXT]`` with the test's own
D-Bus session (``DBUS_SESSION_BUS_ADDRESS``): it finds the application by
its name on the accessibility bus, as Orca does, and prints one JSON object:
every control of the window that is showing (role, name, description, the
names of its ``labelled-by`` relations, its text) and the names of the
windows ("frame") in the application; with ``--type`` it first
types TEXT into the text field named NAME through AT-SPI's EditableText
interface (what a screen reader's user does with the keyboard is the same
call path for the app) and reads it back. pyatspi is Debian's
``python3-pyatspi`` (``gir1.2-atspi-2.0``), which exists only for the
system's Python, hence a process of its own.
"""

from __future__ import annotations

import json
import sys
import time

import pyatspi

CONTROLS = {"text", "combo box", "push button", "list", "check box", "radio button", "spin button", "entry"}


def find_app(name: str, timeout: float = 20.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for index in range(desktop.childCount):
            app = desktop.getChildAtIndex(index)
            if app is not None and app.name == name:
                return app
        time.sleep(0.2)
    raise SystemExit(f"no application named {name!r} on the accessibility bus")


def walk(node: object, found: list[dict[str, object]], depth: int = 0) -> None:
    if node is None or depth > 40:
        return
    role = node.getRoleName()
    states = node.getState()
    if role in CONTROLS and states.contains(pyatspi.STATE_SHOWING):
        labels = []
        for relation in node.getRelationSet():
            if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
                labels += [relation.getTarget(i).name for i in range(relation.getNTargets())]
        text = ""
        try:
            text_interface = node.queryText()
            text = text_interface.getText(0, -1)
        except NotImplementedError:
            pass
        found.append(
            {
                "role": role,
                "name": node.name,
                "description": node.description,
                "labelled_by": labels,
                "text": text,
                "focusable": states.contains(pyatspi.STATE_FOCUSABLE),
            }
        )
    for index in range(node.childCount):
        walk(node.getChildAtIndex(index), found, depth + 1)


def frames(node: object, depth: int = 0) -> list[str]:
    """The names of the windows ("frame") at ``node`` and under it: a screen reader announces each."""
    if node is None or depth > 40:
        return []
    found = [node.name] if node.getRoleName() == "frame" else []
    for index in range(node.childCount):
        found += frames(node.getChildAtIndex(index), depth + 1)
    return found


def find_field(node: object, name: str) -> object | None:
    if node is None:
        return None
    if node.getRoleName() in {"text", "entry"} and node.name == name:
        return node
    for index in range(node.childCount):
        hit = find_field(node.getChildAtIndex(index), name)
        if hit is not None:
            return hit
    return None


def main() -> int:
    app = find_app(sys.argv[1])
    typed: dict[str, str] = {}
    if len(sys.argv) == 4 and sys.argv[2] == "--type":
        name, _equals, text = sys.argv[3].partition("=")
        field = find_field(app, name)
        if field is None:
            raise SystemExit(f"no text field named {name!r}")
        field.queryEditableText().setTextContents(text)
        time.sleep(0.5)
        typed[name] = field.queryText().getText(0, -1)
    found: list[dict[str, object]] = []
    walk(app, found)
    print(json.dumps({"controls": found, "typed": typed, "frames": frames(app)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
