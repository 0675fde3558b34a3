"""Serving notebooks as Voilà dashboards: the command line and a managed server process.

Dashboards are served on 127.0.0.1 with sources stripped and tracebacks hidden. Binding another
address requires a token (``--token``), so no dashboard is ever open to a network unguarded.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from . import paths
from .uploads import MAX_UPLOAD_BYTES

LOCALHOST = "127.0.0.1"
IDLE_KERNEL_TIMEOUT_S = 300  # kernels of closed pages are culled after this many seconds idle
CULL_INTERVAL_S = 60
# A file uploaded in a dashboard reaches its kernel in one websocket message. Tornado's default cap
# (10 MiB) is below the upload limit and drops the connection without a word; this cap lets files
# up to four times the limit through to be refused politely, and still bounds what one message holds.
# (traitlets warns that a dict on the command line is deprecated; it is still the only way to set it)
WEBSOCKET_MAX_BYTES = 4 * MAX_UPLOAD_BYTES


def dashboard_path(name: str | None) -> Path:
    """``dashboards/NAME.ipynb`` (``overview`` when no name); a clear error if there is none."""
    path = paths.DASHBOARDS / f"{name or 'overview'}.ipynb"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in paths.DASHBOARDS.glob("*.ipynb")))
        raise FileNotFoundError(f"no dashboard named {name!r}; available: {known}")
    return path


def voila_command(
    notebook: Path,
    *,
    port: int,
    host: str = LOCALHOST,
    token: str | None = None,
    preheat: bool = False,
    idle_timeout_s: int = IDLE_KERNEL_TIMEOUT_S,
    cull_interval_s: int = CULL_INTERVAL_S,
) -> list[str]:
    """The Voilà command line for one notebook.

    Any ``host`` other than 127.0.0.1 needs a ``token`` (a ValueError says so otherwise).
    """
    if host != LOCALHOST and not token:
        raise ValueError("serving beyond 127.0.0.1 needs a token (--token); 对外服务须设置访问令牌")
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.port_retries=0",  # a taken port is an error, not a silent move to another one
        f"--Voila.ip={host}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--MappingKernelManager.cull_idle_timeout={idle_timeout_s}",
        f"--MappingKernelManager.cull_interval={cull_interval_s}",
        "--MappingKernelManager.cull_connected=False",
        f'--Voila.tornado_settings={{"websocket_max_message_size": {WEBSOCKET_MAX_BYTES}}}',
    ]
    if token:
        command.append(f"--Voila.token={token}")
    if preheat:
        command += ["--VoilaConfiguration.preheat_kernel=True", "--VoilaConfiguration.default_pool_size=1"]
    return command


def add_arguments(parser: argparse.ArgumentParser, *, port: int) -> None:
    """The serving options every serving command shares: port, host, token, browser."""
    parser.add_argument("--port", type=int, default=port, help="端口 port")
    parser.add_argument(
        "--host",
        default=LOCALHOST,
        help="监听地址；非本机地址须配合 --token / address; beyond 127.0.0.1 needs --token",
    )
    parser.add_argument("--token", help="访问令牌 access token (generated when --host is given without one)")
    parser.add_argument("--no-browser", action="store_true", help="不打开浏览器 do not open a browser")


def command_from_arguments(target: Path, args: argparse.Namespace, *, preheat: bool) -> tuple[list[str], str]:
    """The Voilà command line and the URL to open for parsed :func:`add_arguments` options."""
    token = args.token or (new_token() if args.host != LOCALHOST else None)
    command = voila_command(target, port=args.port, host=args.host, token=token, preheat=preheat)
    if not args.no_browser:
        command.remove("--no-browser")
    return command, f"http://{args.host}:{args.port}/" + (f"?token={token}" if token else "")


def new_token() -> str:
    """A random URL-safe token for serving beyond localhost."""
    return secrets.token_urlsafe(24)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind((LOCALHOST, 0))
        return s.getsockname()[1]


def isolated_jupyter_env(root: Path) -> dict[str, str]:
    """Environment variables that keep Jupyter's runtime, data and config files under ``root``."""
    env = dict(os.environ)
    for var, sub in (
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTER_DATA_DIR", "data"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "mpl"),
    ):
        (root / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(root / sub)
    env["MPLBACKEND"] = "Agg"
    return env


def wait_for_port(port: int, *, process: subprocess.Popen, timeout_s: float = 60) -> None:
    """Return once ``port`` accepts connections; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dashboard server exited early (code {process.returncode})")
        with socket.socket() as s:
            if s.connect_ex((LOCALHOST, port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"the dashboard server did not listen on port {port} within {timeout_s} s")


@contextmanager
def served(notebook: Path, *, port: int | None = None, log: Path | None = None, **options):
    """Run a Voilà server for ``notebook`` for the ``with`` block; yields ``(url, process)``.

    The server and its kernels are stopped on exit, whatever happens in the block.
    """
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="workbench-serve-") as tmp:
        out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            voila_command(notebook, port=port, **options),
            env=isolated_jupyter_env(Path(tmp)),
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=notebook.parent,
            start_new_session=True,
        )
        try:
            wait_for_port(port, process=process)
            yield f"http://{LOCALHOST}:{port}/", process
        finally:
            stop(process)
            if log:
                out.close()


def stop(process: subprocess.Popen, *, grace_s: float = 10) -> None:
    """Stop a server and its whole process group (kernels included)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, 15)
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()
    except ProcessLookupError:
        pass
