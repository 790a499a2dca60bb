"""The branding a branded installer bakes in: read from the resources, picks the default profile."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer import branding as branding_module
from composer.branding import Branding, read_branding
from composer.profile import load_profile


def test_without_a_branding_file_the_app_is_request_composer_on_the_demo(tmp_path: Path) -> None:
    assert read_branding(tmp_path / "branding.toml") == Branding()
    assert not Branding().branded
    assert load_profile().provider.id == "demo"


def test_a_branding_file_names_the_app_its_colour_and_default_profile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    resources = tmp_path / "resources"
    (resources / "profiles").mkdir(parents=True)
    source = Path(branding_module.__file__).parents[1] / "resources" / "profiles" / "example-hosting.toml"
    (resources / "profiles" / "branded.toml").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (resources / "branding.toml").write_text(
        'name = "Example Hosting Support"\nprofile = "profiles/branded.toml"\naccent = "#0b5cad"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(branding_module, "resource_path", lambda *parts: resources.joinpath(*parts))
    branding_module.branding.cache_clear()
    try:
        shipped = branding_module.branding()
        assert (shipped.name, shipped.accent, shipped.branded) == ("Example Hosting Support", "#0b5cad", True)
        assert load_profile().provider.id == "example-hosting"
    finally:
        branding_module.branding.cache_clear()


@pytest.mark.parametrize(
    "text",
    [
        'accent = "blue"\n',
        'profile = "../../etc/passwd"\n',
        "name = \n",
        'name = "  "\n',
        "accent = 3\n",
        'colour = "#000000"\n',
        '[name]\nx = "y"\n',
    ],
)
def test_a_broken_branding_file_falls_back_to_the_plain_app(tmp_path: Path, text: str) -> None:
    file = tmp_path / "branding.toml"
    file.write_text(text, encoding="utf-8")
    assert read_branding(file) == Branding()
