"""The ``workbench`` command: a thin dispatcher over ``workbench.commands.<name>`` modules.

Each command module defines ``HELP`` (one line, Chinese and English), ``add_arguments(parser)``
and ``main(args) -> int`` (the exit code). Importing one is deferred until it is run, so
``workbench --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from . import commands
from ._errors import WorkbenchError


def _command_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench", description="五有规划工作台 Five-Haves Planning Workbench"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name in _command_names():
        if wanted in (None, name) or wanted not in _command_names():
            module = importlib.import_module(f"{commands.__name__}.{name}")
            command = sub.add_parser(name, help=module.HELP, description=module.HELP)
            command.add_argument("--lang", choices=("zh", "en"), default="zh", help="语言 language")
            module.add_arguments(command)
            command.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args._module.main(args) or 0)
    except (WorkbenchError, FileNotFoundError, FileExistsError) as error:
        print(f"错误 error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
