"""The first window imports only what it shows: a structural test, not a timed one.

A new process builds the main window exactly as the app does
(``composer.ui.app_form.create_window`` on the demo profile, offscreen) and
lists the modules it has then loaded. The diagnostics (and dnspython under
them), cryptography (pre-fill links), keyring and the outbox worker's modules
(the worker is built once the event loop runs), the settings dialog of the
checks, httpx, and the steps after the first (with the capture panel of the
evidence step) must not be among them: they are imported when the domain is
entered, a pre-fill is opened, after the first paint, when the dialog is
asked for, when a channel talks or when the step is built.
``benchmarks/gui_startup.py`` measures what this buys; this test fails as
soon as an import at the top of a module pulls one of them back into the
start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The outbox worker (and with it keyring's backends) is built on the thread pool once the
# event loop runs, after the first paint: the probe lists the modules before that.
NOT_AT_START = (
    "keyring",
    "dns",
    "cryptography",
    "composer.diagnostics",
    "composer.diagnostics.runner",
    "composer.prefill",
    "composer.ui.settings_dialog",
    # httpx (and the click and pygments of its command line) is imported when a channel talks
    "httpx",
    # the steps after the first are built when reached, or one at a time after the first paint
    "composer.ui.steps.affected",
    "composer.ui.steps.checks",
    "composer.ui.steps.happens",
    "composer.ui.steps.evidence",
    "composer.ui.steps.review",
    "composer.ui.capture",
    # the update check, only when the profile names a feed (the demo's does not)
    "composer.ui.update_notice",
    "composer.updates",
    # the dialogs opened from the menus or after sending (and babel's dates and units with them)
    "composer.ui.history_view",
    "composer.ui.outbox_view",
    "composer.ui.drafts",
    "composer.localefmt",
    "babel",
    # the local socket that takes links from later starts: listened on shortly after the start
    "PySide6.QtNetwork",
    "composer.ui.single_instance",
    # what only the later steps use: the time phrases of "what happens", the evidence's files
    "composer.timeparse",
    "composer.evidence",
    # the outbox worker, the reply watcher (imaplib) and what only they use: imported when they
    # are built, on the thread pool, once the form is in; the e-mail settings' dialog when opened
    "composer.delivery",
    "composer.outbox_claims",
    "composer.settling",
    "composer.replies",
    "imaplib",
    "composer.mail_setup",
    "composer.ui.mail_settings",
)

_PROBE = """
import json, sys, argparse, importlib
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
import composer.commands as commands
for name in commands.FIRST_WINDOW_CORE:  # what the app imports after its window's first paint
    importlib.import_module(name)
commands.load_channel_settings()
import composer.ui.app_form as ui_app
window = ui_app.create_window(argparse.Namespace(profile=None, data_dir=None))
window.show()
print(json.dumps(sorted(sys.modules)))
window.controller.flush()
"""


def _printed(tmp_path: Path, code: str) -> list[str]:
    """The lines ``code`` prints, run in a new process offscreen with fresh folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        REQUEST_COMPOSER_OFFLINE="1",
        REQUEST_COMPOSER_DATA=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        HOME=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


def _first_line(tmp_path: Path, code: str) -> str:
    """The first line ``code`` prints, run in a new process offscreen with fresh folders."""
    return _printed(tmp_path, code)[0]


def _modules_after(tmp_path: Path, code: str) -> set[str]:
    """The modules loaded when ``code`` prints them."""
    return set(json.loads(_first_line(tmp_path, code)))


def test_the_first_window_does_not_import_the_heavy_parts(tmp_path: Path) -> None:
    loaded = _modules_after(tmp_path, _PROBE)
    assert "composer.ui.main_window" in loaded  # the probe did build the window
    pulled_in = [name for name in NOT_AT_START if name in loaded]
    assert not pulled_in, f"imported at start again: {pulled_in}"
    assert not [name for name in loaded if name.startswith("composer.diagnostics.")]


def test_the_probe_sees_a_heavy_import_when_there_is_one(tmp_path: Path) -> None:
    """The test above can fail: a module that imports the checks at its top shows up."""
    heavy = "import composer.diagnostics.dns_query\n"
    loaded = _modules_after(tmp_path, heavy + _PROBE)
    assert "dns" in loaded
    assert "composer.diagnostics.dns_query" in loaded


_BUILT = _PROBE.replace(
    "print(json.dumps(sorted(sys.modules)))",
    """from pydantic import BaseModel
def below(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from below(sub)
print(json.dumps({f"{c.__module__}.{c.__qualname__}": c.__pydantic_complete__
                  for c in set(below(BaseModel)) if c.__module__.startswith("composer.")}))""",
)


def test_the_first_window_builds_only_the_models_it_uses_on_their_own(tmp_path: Path) -> None:
    """The profile's and the request's parts are validated inside them: no model of their own at start.

    Every model of the app is built at its first use (``composer/basemodel.py``); the
    first window validates the profile and a request, whose validators hold their parts.
    """
    built = json.loads(_first_line(tmp_path, _BUILT))
    assert built["composer.profile.ProviderProfile"] and built["composer.model.Request"]
    nested = (
        "composer.profile.Provider",
        "composer.profile_support.Plan",
        "composer.profile_support.Contact",
        "composer.model.Attachment",
        "composer.model.Report",
        "composer.channels.email.EmailSettings",
        "composer.rendered.RenderedRequest",
    )
    assert [name for name in nested if built[name]] == []
    assert sum(built.values()) < len(built) / 2, built


_COUNT_PATTERNS = """
import json, sys, argparse, re._compiler as compiler
counted = {"composer": 0, "other": 0}
original = compiler.compile
def compile(pattern, flags=0):
    frame = sys._getframe(1)
    while frame and "/re/" in frame.f_code.co_filename:
        frame = frame.f_back
    counted["composer" if frame and "/composer/" in frame.f_code.co_filename else "other"] += 1
    return original(pattern, flags)
compiler.compile = compile
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
import composer.ui.app_form as ui_app
window = ui_app.create_window(argparse.Namespace(profile=None, data_dir=None))
window.show()
app.processEvents()
print(json.dumps(counted))
window.controller.flush()
"""

#: regular expressions of the app's own modules compiled while the first window is built
#: (62 when this was written; 215 before the category keywords were matched as text first)
MAX_PATTERNS_AT_START = 80


def test_the_first_window_compiles_few_regular_expressions(tmp_path: Path) -> None:
    counted = json.loads(_first_line(tmp_path, _COUNT_PATTERNS))
    assert 0 < counted["composer"] <= MAX_PATTERNS_AT_START, counted


_SCANNED = """
import json, sys
from PySide6 import QtCore
feature = sys.modules["PySide6.support.feature"]
scanned = []
original = feature._mod_uses_pyside
def recording(module):
    if str(getattr(module, "__file__", "")).endswith(".py"):  # a source to read (the cost)
        scanned.append(module.__name__)
    return original(module)
feature._mod_uses_pyside = recording
import composer.ui
del scanned[:]  # (what the marking itself imports is read before it marks)
import composer.ui.main_window, composer.diagnostics.plan  # pydantic, dnspython, email, sqlite3, ...
import yaml  # a package the app does not run on: read as before
table = feature.pyside_feature_dict
marks = {"ui": table.get("composer.ui.main_window"), "core": table.get("composer.model")}
print(json.dumps({"scanned": scanned, **marks}))
"""


def test_pyside_reads_the_source_of_none_of_the_modules_the_app_runs_on(tmp_path: Path) -> None:
    """PySide6 would read every module's source after it is imported; the app's marks them beforehand.

    The probe records the modules PySide6 reads while the main window's and the
    checks' modules are imported after Qt: none of the app's own, of the standard
    library's or of the packages it runs on, and the marks are those the scan gives
    (0: uses PySide6; -1: does not). A package outside that list is still read.
    """
    seen = json.loads(_first_line(tmp_path, _SCANNED))
    read = [name for name in seen["scanned"] if not name.startswith("yaml")]
    assert not read, read
    assert "yaml" in seen["scanned"], "the probe saw no scan at all: PySide6 works differently now"
    assert (seen["ui"], seen["core"]) == (0, -1)


_FIRST_PAINT = """
import json, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow
app = QApplication(sys.argv[:1])
seen = {}
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow) and "modules" not in seen:
            seen["modules"] = sorted(sys.modules)
            seen["window"] = watched.objectName()
            field = watched.findChild(QLineEdit, "field.name")
            seen["first_field"] = field is not None and field.isVisibleTo(watched) and field.hasFocus()
        return False
probe = FirstPaint()
app.installEventFilter(probe)
from composer.cli import main
code = main(["--smoke-test"])
print(json.dumps({"code": code, **seen}))
"""


def test_the_real_start_paints_its_window_before_it_loads_pydantic(tmp_path: Path) -> None:
    """What the first paint waits for: Qt, the translations, the window and the first step; not the models.

    The real ``request-composer --smoke-test`` start runs in a new process; at
    the first paint of a main window the probe lists the loaded modules, and
    looks for the first field of the form: there, visible, with the cursor in it.
    """
    seen = json.loads(_printed(tmp_path, _FIRST_PAINT)[-1])
    assert seen["code"] == 0  # the smoke test saw the window, with the form in it
    assert seen["window"] == "window.start"
    assert seen["first_field"], "the first paint has no name field to type in"
    loaded = set(seen["modules"])
    assert {"composer.ui.start_window", "composer.ui.steps.who"} <= loaded
    too_early = sorted(loaded & {"pydantic", "composer.model", "composer.profile", "composer.ui.main_window"})
    assert not too_early, too_early
