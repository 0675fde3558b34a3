"""Set-up and the two everyday commands, with nothing but Python 3.11 and pip.

    python3 tasks.py run     # install, then open the workbench on the bundled sample street
    python3 tasks.py test    # install (incl. Chromium for browser tests), then run the whole suite

Everything goes into ``.venv`` beside this file; running a command again reuses it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STAMP = VENV / ".installed"
EXTRAS = "test,bench"  # one environment serves both commands


def sh(*args: str | Path, **kw) -> None:
    print("+", " ".join(map(str, args)), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT, **kw)


def ensure_venv(extras: str) -> None:
    """Create ``.venv`` and install the package with ``extras`` unless already done."""
    if not PY.exists():
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if STAMP.exists() and wanted in STAMP.read_text().split():
        return
    sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(PY, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]")
    STAMP.write_text((STAMP.read_text() if STAMP.exists() else "") + wanted + "\n")


def ensure_chromium() -> None:
    """Debian's Chromium for the browser tests (never a downloaded browser build)."""
    if Path("/usr/bin/chromium").exists():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit("Browser tests need Debian's chromium: run `apt-get install chromium` as root.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh("apt-get", "update", "-qq", env=env)
    sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", env=env)


def run() -> None:
    ensure_venv(EXTRAS)
    sh(BIN / "workbench", "dashboard", *sys.argv[2:])


def test() -> None:
    ensure_venv(EXTRAS)
    ensure_chromium()
    sh(BIN / "ruff", "check", ".")
    sh(BIN / "ruff", "format", "--check", ".")
    sh(PY, "-m", "pytest", "-p", "no:cacheprovider", *sys.argv[2:])


if __name__ == "__main__":
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]]()
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode)
