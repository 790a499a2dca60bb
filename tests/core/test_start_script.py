"""``scripts/start`` sets up only when something changed, not on every launch."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _checkout(tmp_path: Path) -> Path:
    """A copy of what the script reads, with a set-up and an app that only say they ran."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "start", root / "scripts" / "start")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copy(ROOT / "scripts" / "apt-packages.txt", root / "scripts" / "apt-packages.txt")
    setup = root / "scripts" / "setup"
    setup.write_text(
        "#!/usr/bin/env bash\nset -e\necho setup >> ran.log\nmkdir -p .venv/bin\n"
        "printf '#!/usr/bin/env bash\\necho app \"$@\" >> ran.log\\n' > .venv/bin/request-composer\n"
        "chmod +x .venv/bin/request-composer\n",
        encoding="utf-8",
    )
    setup.chmod(0o755)
    return root


def _start(root: Path) -> list[str]:
    subprocess.run([str(root / "scripts" / "start"), "--language", "el"], cwd=root, check=True, timeout=60)
    return (root / "ran.log").read_text("utf-8").split("\n")[:-1]


def test_the_second_start_does_not_set_up_again(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    assert _start(root) == ["setup", "app --language el"]
    assert _start(root) == ["setup", "app --language el", "app --language el"]


def test_a_changed_pyproject_sets_up_again(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    _start(root)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write("\n# a new dependency\n")
    assert _start(root)[-2:] == ["setup", "app --language el"]
