"""``workbench anonymise FILE --out FILE2``: a shareable copy of a ledger, people pseudonymised."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "生成可分享的化名台账（删除姓名、编号化名） / write a shareable ledger with names removed and ids pseudonymised"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", type=Path, nargs="?", help="台账 .xlsx 文件或 CSV 文件夹 / ledger .xlsx file or CSV folder"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="输出 .xlsx 或 CSV 文件夹（不覆盖已有文件） output .xlsx or CSV folder (never overwritten)",
    )
    parser.add_argument(
        "--salt-file",
        type=Path,
        help="密钥文件；缺省读环境变量 WORKBENCH_SALT / secret salt file (default: $WORKBENCH_SALT)",
    )
    parser.add_argument(
        "--new-salt-file", type=Path, help="生成新密钥文件后退出 / write a new random salt file and exit"
    )


def main(args: argparse.Namespace) -> int:
    """0 when written; 1 when the output exists, has a wrong suffix or the salt is missing."""
    from ..anonymise import PEOPLE, anonymise, read_salt, write_new_salt
    from ..i18n import t
    from ..ledger_io import read_ledger, write_ledger

    lang = args.lang
    if args.new_salt_file:
        try:
            print(t("privacy.salt_written", lang, path=write_new_salt(args.new_salt_file)))
        except FileExistsError:
            return _fail(t("privacy.exists", lang, path=args.new_salt_file))
        return 0
    if args.file is None or args.out is None:
        return _fail("workbench anonymise FILE --out FILE2 [--salt-file F]")
    out = args.out
    if out.exists():
        return _fail(t("privacy.exists", lang, path=out))
    if out.suffix and out.suffix.lower() != ".xlsx":
        return _fail(t("synth.bad_suffix", lang, path=out))
    try:
        salt = read_salt(args.salt_file, lang=lang)
    except (ValueError, FileNotFoundError) as error:
        return _fail(str(error))
    ledger = read_ledger(args.file, lang=lang)
    write_ledger(anonymise(ledger, salt=salt), out, lang=lang)
    people = sum(len(ledger[sheet]) for sheet in PEOPLE)
    names = sum(int(ledger[sheet]["name"].notna().sum()) for sheet in PEOPLE)
    print(t("privacy.written", lang, path=out, people=people, names=names))
    return 0


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1
