"""Make the bundled Chinese font subset (workbench/assets/fonts/).

Usage::

    python tools/make_font_subset.py NotoSansCJK-Regular.ttc [NotoSansCJK-Bold.ttc]

Each source is an OpenType collection (or a single .otf) of Noto Sans CJK; the Simplified Chinese
face is picked by its family name. The subset holds every character of GB2312, the common
characters of Big5 (level 1, for traditional forms), ASCII, Latin-1, general punctuation, CJK
symbols and punctuation, full-width forms, arrows, mathematical operators, enclosed numbers, a few
symbols, and every character of the project's printed text (``workbench.fonts.PRINTED_TEXT``).
Re-run it when the catalogue gains a character the font lacks (``tests/test_fonts.py`` says so).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

from workbench.fonts import FAMILY, printed_characters
from workbench.paths import FONTS

RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (², °, ·, ×, ÷)
    (0x2000, 0x206F),  # general punctuation (– — ‘ ’ “ ” … ‰)
    (0x2070, 0x209F),  # superscripts and subscripts
    (0x2100, 0x214F),  # letterlike symbols (℃ №)
    (0x2150, 0x218F),  # number forms (Ⅰ–Ⅻ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (− ≤ ≥ ≈)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①–⑳)
    (0x25A0, 0x25FF),  # geometric shapes (● ○ ■ □ ▲ △)
    (0x2605, 0x2606),  # ★ ☆
    (0x2713, 0x2713),  # ✓
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)


def _decodable(codec: str, codes: range, trail: range) -> set[str]:
    """Characters of a two-byte ``codec`` with lead bytes ``codes`` and trail bytes ``trail``."""
    chars = set()
    for lead in codes:
        for byte in trail:
            try:
                chars.add(bytes((lead, byte)).decode(codec))
            except UnicodeDecodeError:
                continue
    return chars


def gb2312() -> set[str]:
    """Every character of GB2312 (symbols, level-1 and level-2 hanzi)."""
    return _decodable("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))


def big5_common() -> set[str]:
    """The common (level-1) characters of Big5: codes 0xA440–0xC67E."""
    trail = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    chars = _decodable("big5", range(0xA4, 0xC7), trail)
    return {ch for ch in chars if 0xA440 <= int.from_bytes(ch.encode("big5"), "big") <= 0xC67E}


def characters() -> set[str]:
    """Every character the subset keeps."""
    chars = gb2312() | big5_common() | printed_characters()
    for first, last in RANGES:
        chars.update(map(chr, range(first, last + 1)))
    return chars


def sc_face(source: Path) -> TTFont:
    """The Simplified Chinese face of a collection (or the single font of an .otf), keeping its
    timestamp so that the same source gives the same bytes."""
    if source.suffix.lower() not in {".ttc", ".otc"}:
        return TTFont(source, recalcTimestamp=False)
    for font in TTCollection(source, recalcTimestamp=False).fonts:
        if font["name"].getDebugName(1) == FAMILY:
            return font
    raise SystemExit(f"{source}: no face named {FAMILY!r}")


def make_subset(font: TTFont, target: Path, chars: set[str]) -> None:
    """Write the subset of ``font`` holding ``chars`` to ``target`` (OpenType/CFF)."""
    options = subset.Options()
    options.layout_features = ["kern", "vert", "vrt2"]
    options.name_IDs = ["*"]  # keep copyright, trademark and licence records
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(map(ord, chars)))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path, help="Noto Sans CJK .ttc or .otf files")
    args = parser.parse_args(argv)
    chars = characters()
    for source in args.sources:
        font = sc_face(source)
        target = FONTS / f"NotoSansCJKsc-{font['name'].getDebugName(2)}-subset.otf"
        make_subset(font, target, chars)
        size = target.stat().st_size / 2**20
        print(f"{target.name}: {len(chars)} characters requested, {size:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
