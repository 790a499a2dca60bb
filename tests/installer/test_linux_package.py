"""The Linux installer, built and installed for real: bundle, .deb, desktop metadata, first start.

Builds the PyInstaller bundle and the ``.deb`` with ``installer/build.py``
from this environment (PyInstaller is in the dev extra, so nothing is
downloaded; once per session: about two minutes on two CPUs), installs the package with
dpkg into a clean root folder of its own (``dpkg --root``: a real install,
with its own package database, that never touches this machine's), then
starts the installed app offscreen with ``--smoke-test`` and checks that its
main window is shown, on the demo profile or, for the branded build, on the
provider's. Run only these with ``pytest -m installer``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))
import build  # noqa: E402

pytestmark = [pytest.mark.installer, pytest.mark.timeout(900)]

TOOLS = ("dpkg-deb", "dpkg", "desktop-file-validate", "appstreamcli", "objdump", "update-mime-database")
SHOWN = "request-composer: main window shown: "
BRAND_NAME = "Example Hosting Support"
ACCENT = "#0b5cad"


@dataclass(frozen=True)
class Installed:
    deb: Path
    root: Path  # the clean root folder dpkg installed into

    @property
    def app(self) -> Path:
        return self.root / "opt" / "request-composer" / "request-composer"

    @property
    def share(self) -> Path:
        return self.root / "usr" / "share"

    def run(
        self, *args: str, home: Path, display: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run the installed command offscreen, or on the X server ``display``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "PYTHON", "VIRTUAL_ENV"))}
        env.update(
            {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"} if display else {"QT_QPA_PLATFORM": "offscreen"},
            LANGUAGE="en",
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / "config"),
            REQUEST_COMPOSER_DATA=str(home / "data"),
        )
        return subprocess.run(
            [str(self.app), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def smoke_test(self, home: Path, display: str | None = None) -> str:
        """The title the installed app's main window showed with (it must show and exit 0)."""
        run = self.run("--smoke-test", home=home, display=display)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Traceback" not in run.stderr, run.stderr
        shown = [line for line in run.stdout.splitlines() if line.startswith(SHOWN)]
        assert shown, run.stdout + run.stderr
        return shown[0][len(SHOWN) :]


def install(deb: Path, root: Path) -> Installed:
    """``dpkg -i`` into ``root``, a fresh folder with an empty package database."""
    (root / "var" / "lib" / "dpkg" / "updates").mkdir(parents=True)
    (root / "var" / "lib" / "dpkg" / "status").touch()
    (root / "var" / "lib" / "dpkg" / "available").touch()
    # the dependencies are this machine's system libraries: checked on their own below
    command = ["dpkg", f"--root={root}", "--force-depends", "--force-not-root", "--log=/dev/null", "-i"]
    env = {**os.environ, "PATH": f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin"}  # ldconfig, for dpkg
    subprocess.run([*command, str(deb)], check=True, capture_output=True, text=True, env=env)
    return Installed(deb=deb, root=root)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Installed, Installed]]:
    """The plain and the branded package, each built and installed once per session."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run scripts/setup --dev (scripts/apt-packages-dev.txt)")
    work = tmp_path_factory.mktemp("installer")
    # this environment has the app and PyInstaller (the dev extra): nothing is downloaded
    python = Path(sys.executable)
    plain = build.build(work / "plain", python=python)
    # the provider's script, as a provider runs it
    script = [
        str(ROOT / "installer" / "build-branded"),
        "--python",
        str(python),
        "--out",
        str(work / "branded"),
    ]
    subprocess.run(
        [
            *script,
            "--profile", str(ROOT / "resources" / "profiles" / "example-hosting.toml"),
            "--name", BRAND_NAME,
            "--icon", str(ROOT / "resources" / "icons" / "request-composer.png"),
            "--accent", ACCENT,
            # zstd for the second package: the same contents, 40 s less of xz on two CPUs
            "--compression", "zstd",
        ],
        check=True,
    )  # fmt: skip
    branded_debs = list((work / "branded").glob("request-composer-example-hosting_*.deb"))
    assert len(branded_debs) == 1
    assert plain.deb is not None
    yield install(plain.deb, work / "root-plain"), install(branded_debs[0], work / "root-branded")


def test_the_installed_app_shows_its_window_on_the_demo_profile(
    built: tuple[Installed, Installed], tmp_path: Path
) -> None:
    plain, _ = built
    assert plain.smoke_test(tmp_path).startswith("Demo Hosting")


def test_the_installed_app_shows_its_window_on_x11(
    built: tuple[Installed, Installed], tmp_path: Path, display: str
) -> None:
    """The bundled xcb platform plugin and its libraries load (offscreen needs none of them)."""
    plain, _ = built
    assert plain.smoke_test(tmp_path, display=display).startswith("Demo Hosting")


def test_the_installed_command_and_its_subcommands_work(
    built: tuple[Installed, Installed], tmp_path: Path
) -> None:
    plain, _ = built
    version = plain.run("--version", home=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"request-composer {build.version()}"
    # a subcommand module imported by name (cli.COMMANDS) and the translations from the resources
    check = plain.run(
        "--language", "el", "profile", "check", str(ROOT / "resources/profiles/demo.toml"), home=tmp_path
    )
    assert check.returncode == 0, check.stderr
    assert "έγκυρο προφίλ" in check.stdout
    scrub_input = tmp_path / "log.txt"
    scrub_input.write_text("password=hunter2hunter2\n", encoding="utf-8")
    scrub = plain.run("scrub", str(scrub_input), home=tmp_path)
    assert scrub.returncode == 0 and "hunter2hunter2" not in scrub.stdout, scrub.stderr
    # dnspython's resolver and record types load in the frozen app
    diagnose = plain.run("diagnose", "--help", home=tmp_path)
    assert diagnose.returncode == 0, diagnose.stderr


def test_a_saved_request_opened_from_the_file_manager_becomes_a_draft(
    built: tuple[Installed, Installed], tmp_path: Path
) -> None:
    from composer.profile import load_profile
    from composer.render import write_bundle
    from composer.store import Store
    from tests.core.factories import good_mail_request

    request = good_mail_request().model_copy(update={"attachments": ()})  # the text and the model only
    with Store(tmp_path / "source") as store:
        bundle = write_bundle(request, load_profile(), store, tmp_path / "request-example.gr.zip")
    plain, _ = built
    # what the desktop entry runs (Exec=request-composer %u), with a file:// URI
    opened = plain.run(bundle.as_uri(), "--no-gui", home=tmp_path)
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == request.id


def test_the_package_installs_the_command_desktop_entry_metadata_and_icons(
    built: tuple[Installed, Installed],
) -> None:
    plain, _ = built
    link = plain.root / "usr" / "bin" / "request-composer"
    assert os.readlink(link) == "/opt/request-composer/request-composer"
    desktop = (plain.share / "applications" / "request-composer.desktop").read_text(encoding="utf-8")
    assert "Exec=request-composer %u" in desktop
    assert "x-scheme-handler/request-composer;" in desktop
    assert "application/vnd.request-composer.request+zip;" in desktop
    assert "application/vnd.request-composer.prefill;" in desktop
    subprocess.run(
        ["desktop-file-validate", str(plain.share / "applications/request-composer.desktop")], check=True
    )
    metainfo = plain.share / "metainfo" / build.METAINFO
    subprocess.run(["appstreamcli", "validate", "--no-net", str(metainfo)], check=True, capture_output=True)
    for size in (16, 48, 256, 512):
        assert (plain.share / f"icons/hicolor/{size}x{size}/apps/request-composer.png").is_file()
    assert (plain.share / "icons/hicolor/scalable/apps/request-composer.svg").is_file()


def test_the_package_depends_on_real_installed_debian_packages(built: tuple[Installed, Installed]) -> None:
    plain, _ = built
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(plain.deb), "Depends"], check=True, capture_output=True, text=True
    ).stdout
    depends = [name.strip() for name in fields.split(",")]
    assert "libxcb-cursor0" in depends and "libegl1" in depends
    # each one is a Debian package this machine has (scripts/apt-packages.txt installed them)
    query = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${Status}\n", *depends], capture_output=True, text=True
    )
    assert query.returncode == 0, query.stderr
    assert all(line.endswith("installed") for line in query.stdout.splitlines())


def test_saved_requests_get_their_type_and_other_zip_files_do_not(
    built: tuple[Installed, Installed], tmp_path: Path
) -> None:
    plain, _ = built
    share = tmp_path / "share"
    shutil.copytree(plain.share / "mime", share / "mime")
    subprocess.run(["update-mime-database", str(share / "mime")], check=True)
    probe = (
        "import sys\n"
        "from PySide6.QtCore import QMimeDatabase\n"
        "db = QMimeDatabase()\n"
        "for name in sys.argv[1:]:\n"
        "    print(db.mimeTypeForFile(name, QMimeDatabase.MatchMode.MatchExtension).name())\n"
    )
    env = {**os.environ, "XDG_DATA_DIRS": f"{share}:/usr/share", "XDG_DATA_HOME": str(tmp_path / "none")}
    names = [
        "request-example.gr.zip",
        "request-20261201-1a2b3c4d.zip",
        "holiday-photos.zip",
        "for-maria.prefill",
    ]
    out = subprocess.run(
        [sys.executable, "-c", probe, *names], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        "application/vnd.request-composer.request+zip",
        "application/vnd.request-composer.request+zip",
        "application/zip",
        "application/vnd.request-composer.prefill",
    ]


def test_the_branded_package_starts_on_the_providers_profile(
    built: tuple[Installed, Installed], tmp_path: Path
) -> None:
    _, branded = built
    assert branded.smoke_test(tmp_path).startswith("Example Hosting")
    package = subprocess.run(
        ["dpkg-deb", "--field", str(branded.deb), "Package", "Provides", "Conflicts"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert "Package: request-composer-example-hosting" in package
    assert "Conflicts: request-composer" in package
    desktop = (branded.share / "applications" / "request-composer.desktop").read_text(encoding="utf-8")
    assert f"Name={BRAND_NAME}\n" in desktop
    resources = branded.root / "opt/request-composer/_internal/composer/_resources"
    branding = (resources / "branding.toml").read_text(encoding="utf-8")
    assert f'accent = "{ACCENT}"' in branding and f'name = "{BRAND_NAME}"' in branding
    assert (resources / "profiles" / "branded.toml").is_file()


def test_the_branded_build_refuses_a_profile_the_app_would_refuse(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\n[provider]\nid = "Not Valid!"\n', encoding="utf-8")
    run = subprocess.run(
        [
            str(ROOT / "installer" / "build-branded"), "--python", sys.executable,
            "--out", str(tmp_path / "out"), "--profile", str(bad), "--name", BRAND_NAME,
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode != 0
    assert "provider.id" in run.stderr and "fix the profile first" in run.stderr, run.stderr
    assert not (tmp_path / "out" / "dist").exists()  # nothing was built


def test_the_bundle_carries_babels_locale_data_only_for_the_apps_languages(
    built: tuple[Installed, Installed],
) -> None:
    """CLDR's data for every locale is 35 MiB; the app writes dates and sizes in its own languages only."""
    from composer.localefmt import locale_name

    plain, _ = built
    data = plain.root / "opt" / "request-composer" / "_internal" / "babel" / "locale-data"
    shipped = {path.stem for path in data.glob("*.dat")}
    languages = {path.stem for path in (ROOT / "resources" / "locale").glob("*.po")} | {"en"}
    assert "root" in shipped  # what every locale inherits from
    assert {name.split("_")[0] for name in shipped - {"root"}} == languages
    for language in languages:  # the locale each language is written in (its default region)
        assert locale_name(language) in shipped
        assert language in shipped
