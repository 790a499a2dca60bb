#!/usr/bin/env python3
"""Build the Linux installer: a PyInstaller one-folder bundle and a ``.deb`` made from it.

    python3 installer/build.py [--out DIR] [--no-deb]

Steps, each in the output folder (default ``build/installer``):

1. a build environment ``venv/`` with the app and PyInstaller (PyInstaller is
   a build tool, never a dependency of the app), made once and refreshed;
2. the resources staged in ``resources/`` (a branded build adds its
   ``branding.toml``, profile and icon there, see ``installer/build-branded``);
3. ``pyinstaller installer/request-composer.spec`` into ``dist/request-composer/``;
4. the ``.deb``: the bundle under ``/opt/request-composer``, the command
   ``/usr/bin/request-composer``, the ``.desktop`` entry (with the
   ``request-composer://`` scheme and the saved-request file type), AppStream
   metainfo, the shared-mime-info type and the icons; the desktop file and the
   metainfo are validated (``desktop-file-validate``, ``appstreamcli validate``)
   and the package is made with ``dpkg-deb``.

Debian's triggers (shared-mime-info, desktop-file-utils, hicolor-icon-theme)
refresh the caches on install, so the package needs no maintainer scripts.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
LINUX = INSTALLER / "linux"
APP = "request-composer"
PREFIX = f"/opt/{APP}"
HOMEPAGE = "https://github.com/request-composer/request-composer"
MAINTAINER = "Request Composer team <support@request-composer.invalid>"
PYINSTALLER = "pyinstaller>=6.10,<7"
METAINFO = "org.request_composer.RequestComposer.metainfo.xml"


@dataclass(frozen=True)
class Brand:
    """What a branded build changes (the defaults are the plain installer)."""

    name: str = "Request Composer"
    package: str = APP
    profile: Path | None = None
    icon: Path = ROOT / "resources" / "icons" / f"{APP}.svg"
    accent: str = ""
    homepage: str = HOMEPAGE
    maintainer: str = MAINTAINER


@dataclass
class Result:
    bundle: Path
    deb: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)


def run(*command: str | Path, **kwargs: object) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)  # type: ignore[call-overload]


def version() -> str:
    """The app's version, written once in composer/__init__.py (pyproject.toml reads it there too)."""
    text = (ROOT / "composer" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, flags=re.M)
    if not found:
        raise SystemExit("composer/__init__.py has no __version__")
    return found.group(1)


def build_venv(folder: Path) -> Path:
    """The build environment's Python, with this checkout of the app and PyInstaller installed."""
    python = folder / "bin" / "python"
    if not python.exists():
        run(sys.executable, "-m", "venv", folder)
        run(python, "-m", "pip", "install", "-q", "--upgrade", "pip")
    # the app's dependencies as pyproject names them, then this checkout itself (fresh every build)
    run(python, "-m", "pip", "install", "-q", ROOT, PYINSTALLER)
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", ROOT)
    return python


def stage_resources(python: Path, target: Path, brand: Brand) -> Path:
    """A copy of ``resources/``, with the brand's ``branding.toml``, profile and icon in it."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "resources", target)
    if brand.profile is not None or brand.accent or brand.name != Brand.name:
        lines = [f"name = {toml_string(brand.name)}"]
        if brand.profile is not None:
            shutil.copyfile(brand.profile, target / "profiles" / "branded.toml")
            lines.append('profile = "profiles/branded.toml"')
        if brand.accent:
            lines.append(f"accent = {toml_string(brand.accent)}")
        (target / "branding.toml").write_text(
            "# Written by installer/build-branded: read by composer/branding.py.\n" + "\n".join(lines) + "\n",
            encoding="utf-8",
        )
    if brand.icon != Brand.icon:
        icons = target / "icons"
        for old in icons.glob(f"{APP}.*"):
            old.unlink()
        shutil.copyfile(brand.icon, icons / f"{APP}{brand.icon.suffix.lower()}")
        # the window icon is a 256 px PNG (the app carries no SVG renderer)
        sizes = target.parent / "icon-sizes"
        render_icons(python, brand.icon, sizes)
        shutil.copyfile(sizes / "256x256" / f"{APP}.png", icons / f"{APP}.png")
    return target


def render_icons(python: Path, icon: Path, folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    run(python, INSTALLER / "icons.py", icon, folder, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pyinstaller(python: Path, resources: Path, out: Path) -> Path:
    env = {**os.environ, "RC_ROOT": str(ROOT), "RC_RESOURCES": str(resources), "RC_VERSION": version()}
    run(
        python, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", out / "dist", "--workpath", out / "work", INSTALLER / f"{APP}.spec",
        env=env,
    )  # fmt: skip
    return out / "dist" / APP


def qt_depends() -> list[str]:
    """The Debian packages Qt needs, from the Qt block of ``scripts/apt-packages.txt``."""
    packages: list[str] = []
    inside = False
    for line in (ROOT / "scripts" / "apt-packages.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            inside = line.lower().startswith("# qt")
            continue
        if inside and line.strip():
            packages.append(line.split("#")[0].strip())
    return packages


def fill(template: Path, **values: str) -> str:
    return Template(template.read_text(encoding="utf-8")).substitute(values)


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def make_deb(
    python: Path, bundle: Path, resources: Path, brand: Brand, out: Path, compression: str = "xz"
) -> Path:
    """The ``.deb`` from the bundle: files, validated desktop metadata, control, dpkg-deb."""
    root = out / "deb"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(bundle, root / PREFIX.lstrip("/"), symlinks=True)
    (root / "usr/bin").mkdir(parents=True)
    (root / "usr/bin" / APP).symlink_to(f"{PREFIX}/{APP}")
    share = root / "usr/share"
    desktop = share / "applications" / f"{APP}.desktop"
    desktop.parent.mkdir(parents=True)
    desktop.write_text(fill(LINUX / f"{APP}.desktop.in", name=brand.name), encoding="utf-8")
    metainfo = share / "metainfo" / METAINFO
    metainfo.parent.mkdir(parents=True)
    metainfo.write_text(
        fill(
            LINUX / f"{APP}.metainfo.xml.in",
            name=escape(brand.name),
            homepage=escape(brand.homepage),
            version=version(),
            date=datetime.date.today().isoformat(),
        ),
        encoding="utf-8",
    )
    mime = share / "mime" / "packages" / f"{APP}.xml"
    mime.parent.mkdir(parents=True)
    shutil.copyfile(LINUX / f"{APP}.mime.xml", mime)
    icon = next(resources.glob(f"icons/{APP}.svg"), None) or resources / "icons" / f"{APP}.png"
    hicolor = share / "icons" / "hicolor"
    render_icons(python, icon, hicolor)
    for size in hicolor.iterdir():
        (size / "apps").mkdir()
        (size / f"{APP}.png").rename(size / "apps" / f"{APP}.png")
    if icon.suffix == ".svg":
        (hicolor / "scalable" / "apps").mkdir(parents=True)
        shutil.copyfile(icon, hicolor / "scalable" / "apps" / f"{APP}.svg")
    copyright_file = share / "doc" / brand.package / "copyright"
    copyright_file.parent.mkdir(parents=True)
    copyright_file.write_text(
        "Request Composer. License: MIT. The bundled Qt (PySide6) is LGPL-3.0; Python is PSF-2.0.\n",
        encoding="utf-8",
    )

    run("desktop-file-validate", desktop)
    run("appstreamcli", "validate", "--no-net", "--explain", metainfo)

    relations = ""
    if brand.package != APP:
        relations = f"Provides: {APP}\nConflicts: {APP}\nReplaces: {APP}"
    size_kib = sum(p.lstat().st_size for p in root.rglob("*") if p.is_file()) // 1024 + 1
    control = fill(
        LINUX / "control.in",
        package=brand.package,
        version=version(),
        architecture=architecture(),
        maintainer=brand.maintainer,
        installed_size=str(size_kib),
        depends=", ".join(["libc6", *qt_depends()]),
        relations=relations,
        homepage=brand.homepage,
        name=brand.name,
    )
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        "\n".join(line for line in control.splitlines() if line.strip()) + "\n", encoding="utf-8"
    )
    deb = out / f"{brand.package}_{version()}_{architecture()}.deb"
    run("dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", root, deb)
    return deb


def build(
    out: Path, brand: Brand = Brand(), deb: bool = True, python: Path | None = None, compression: str = "xz"
) -> Result:
    """Build the bundle (and the ``.deb``) into ``out``; returns where they are.

    Args:
        out: the build folder.
        brand: the branding (the plain installer by default).
        deb: also make the ``.deb``.
        python: a Python that has the app and PyInstaller installed (default: make the
            build environment ``out/venv``, see :func:`build_venv`).
        compression: of the ``.deb``: ``xz`` (smallest, for release) or ``zstd`` (fast).
    """
    import time

    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    started = time.monotonic()
    python = python or build_venv(out / "venv")
    timings["venv"] = time.monotonic() - started
    resources = stage_resources(python, out / "resources", brand)
    started = time.monotonic()
    bundle = pyinstaller(python, resources, out)
    timings["pyinstaller"] = time.monotonic() - started
    if brand.profile is not None:
        # the built app checks the profile with its own validator, as it will load it
        run(bundle / APP, "profile", "check", resources / "profiles" / "branded.toml")
    result = Result(bundle=bundle, timings=timings)
    if deb:
        started = time.monotonic()
        result.deb = make_deb(python, bundle, resources, brand, out, compression)
        timings["deb"] = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Linux bundle and .deb of Request Composer.")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "installer", help="build folder")
    parser.add_argument("--no-deb", action="store_true", help="only the PyInstaller bundle")
    parser.add_argument("--compression", choices=["xz", "zstd"], default="xz", help="of the .deb")
    args = parser.parse_args(argv)
    result = build(args.out.resolve(), deb=not args.no_deb, compression=args.compression)
    print(f"bundle: {result.bundle}")
    if result.deb:
        print(f"deb:    {result.deb}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
