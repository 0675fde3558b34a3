"""The bundled Chinese font: Noto Sans CJK SC, subset to the characters the workbench prints.

The machine a planner or a test runs on may have no Chinese font at all; charts and the browser then
draw boxes. The package ships a subset of Noto Sans CJK SC (SIL Open Font License 1.1, see
``assets/fonts/OFL.txt``) holding GB2312, the common characters of Big5 (traditional forms), Latin,
punctuation and the symbols the labels use. ``tools/make_font_subset.py`` makes it again.

- :func:`use_chinese_font` makes matplotlib draw Chinese with it (``workbench.plots`` calls it).
- :func:`fontconfig_file` writes a ``fonts.conf`` for programs that find fonts through fontconfig
  (Chromium, PDF renderers): point ``FONTCONFIG_FILE`` at it.
- :func:`missing_characters` says which characters of a text the font cannot draw.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from .paths import FONTS, ROOT

FAMILY = "Noto Sans CJK SC"
REGULAR = FONTS / "NotoSansCJKsc-Regular-subset.otf"
BOLD = FONTS / "NotoSansCJKsc-Bold-subset.otf"

# Files whose text reaches a chart, a workbook or a page: the subset must cover every character.
PRINTED_TEXT = (
    "workbench/labels/*.yaml",
    "workbench/schema.py",
    "workbench/figures.py",
    "workbench/synth*.py",
    "data/rubrics/*.yaml",
    "data/scenarios/*.yaml",
)


def font_files() -> list[Path]:
    """The bundled font files (regular first)."""
    return [path for path in (REGULAR, BOLD) if path.exists()]


def use_chinese_font() -> str:
    """Register the bundled font with matplotlib and put it first in the sans-serif list.

    Idempotent; returns the family name. Glyphs the subset lacks fall back to the families that
    follow in ``font.sans-serif`` (DejaVu Sans by default).
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    registered = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in font_files():
        if str(path) not in registered:
            font_manager.fontManager.addfont(str(path))
    mpl.rcParams["font.family"] = ["sans-serif"]
    others = [name for name in mpl.rcParams["font.sans-serif"] if name != FAMILY]
    mpl.rcParams["font.sans-serif"] = [FAMILY, *others]
    return FAMILY


def fontconfig_file(directory: str | Path) -> Path:
    """Write ``directory/fonts.conf``: the system configuration plus the bundled font folder.

    Launch Chromium (or any fontconfig program) with ``FONTCONFIG_FILE`` set to the returned path
    and it finds the Chinese font; the cache goes to ``directory/fontconfig-cache``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    conf = directory / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        "<fontconfig>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{escape(str(FONTS))}</dir>\n"
        f"  <cachedir>{escape(str(directory / 'fontconfig-cache'))}</cachedir>\n"
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def missing_characters(text: Iterable[str], *, path: Path = REGULAR) -> set[str]:
    """The printable characters of ``text`` that the font at ``path`` has no glyph for."""
    cmap = _cmap(path)
    return {ch for ch in set(text) if ch.isprintable() and not ch.isspace() and ord(ch) not in cmap}


def printed_characters(root: Path = ROOT) -> set[str]:
    """Every non-ASCII character in the project's :data:`PRINTED_TEXT` files under ``root``."""
    chars: set[str] = set()
    for pattern in PRINTED_TEXT:
        for path in sorted(root.glob(pattern)):
            chars.update(ch for ch in path.read_text(encoding="utf-8") if ord(ch) > 0x7E)
    return chars
