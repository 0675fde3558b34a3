"""The label catalogue: every word the user sees, in Simplified Chinese (default) and English.

Labels live in ``workbench/labels/*.yaml`` (one file per topic, keys unique across files)::

    ledger.missing_sheet:
      zh: 缺少工作表「{sheet}」
      en: Sheet "{sheet}" is missing

``t("ledger.missing_sheet", "en", sheet="units")`` formats one. CLI, errors, charts and
dashboards all read this catalogue.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from . import paths

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_LABEL_DIR = Path(__file__).with_name("labels")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All labels, ``key → {"zh": …, "en": …}``; a duplicate key across files is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(_LABEL_DIR.glob("*.yaml")):
        for key, text in (paths.read_yaml(path) or {}).items():
            if key in merged:
                raise ValueError(f"label {key!r} defined twice (second time in {path.name})")
            missing = [lang for lang in LANGS if lang not in text]
            if missing:
                raise ValueError(f"label {key!r} in {path.name} has no {', '.join(missing)} text")
            merged[key] = text
    return merged


def check_lang(lang: str) -> str:
    """``lang`` if supported, else a ValueError listing the supported ones."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The label ``key`` in ``lang``, formatted with ``values``."""
    return catalogue()[key][check_lang(lang)].format(**values)
