"""The bundled Chinese font: what it covers, matplotlib drawing with it, fontconfig finding it."""

import io
import os
import shutil
import subprocess
import warnings

import matplotlib

matplotlib.use("Agg")

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.figure import Figure

from workbench import fonts
from workbench.paths import FONTS, ROOT


def _render(text: str) -> None:
    """Draw ``text`` to a PNG; any warning (a missing glyph) is an error."""
    fig = Figure(figsize=(4, 1))
    fig.text(0.02, 0.5, text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(io.BytesIO(), format="png")


def test_bundled_files_are_few_small_and_licensed():
    files = fonts.font_files()
    assert files[0] == fonts.REGULAR and fonts.REGULAR.exists()
    assert sum(path.stat().st_size for path in files) <= 6 * 2**20
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "OFL.txt").read_text(encoding="utf-8")
    for path in files:
        with TTFont(path, lazy=True) as font:
            assert font["name"].getDebugName(1) == fonts.FAMILY
            assert "Open Font License" in font["name"].getDebugName(13)


def test_subset_covers_every_printed_character():
    printed = fonts.printed_characters()
    assert {"有", "阵", "地", "（", "）", "²"} <= printed  # the catalogue and schema were read
    for path in fonts.font_files():
        assert fonts.missing_characters(printed, path=path) == set()


def test_subset_covers_gb2312_hanzi_traditional_forms_and_symbols():
    level_1_and_2 = {
        bytes((row, cell)).decode("gb2312")
        for row in range(0xB0, 0xF8)
        for cell in range(0xA1, 0xFF)
        if (row, cell) not in {(0xD7, c) for c in range(0xFA, 0xFF)}  # five empty codes
    }
    assert len(level_1_and_2) == 6763
    assert fonts.missing_characters(level_1_and_2) == set()
    traditional = "黨總支書記會議區與當選舉發展對象幹部經費陣組織隊伍歲"
    symbols = "²≥≤×–—…·①②③④⑤⑥⑦⑧⑨⑩→←↑↓−℃％，。、；：？！“”《》（）【】０１２ＡＺ✓"
    assert fonts.missing_characters(traditional + symbols) == set()


def test_missing_characters_names_what_the_font_lacks():
    assert fonts.missing_characters("汇丰 𠀀 ✗\n") == {"𠀀", "✗"}


def test_use_chinese_font_is_idempotent_and_puts_the_family_first():
    assert fonts.use_chinese_font() == fonts.FAMILY
    fonts.use_chinese_font()
    paths = [entry.fname for entry in font_manager.fontManager.ttflist]
    assert paths.count(str(fonts.REGULAR)) == 1
    assert matplotlib.rcParams["font.sans-serif"][0] == fonts.FAMILY
    assert matplotlib.rcParams["font.sans-serif"].count(fonts.FAMILY) == 1
    regular = font_manager.FontProperties(family=["sans-serif"])
    bold = font_manager.FontProperties(family=["sans-serif"], weight="bold")
    assert font_manager.findfont(regular, fallback_to_default=False) == str(fonts.REGULAR)
    assert font_manager.findfont(bold, fallback_to_default=False) == str(fonts.BOLD)


def test_chinese_and_traditional_text_renders_without_missing_glyphs():
    fonts.use_chinese_font()
    _render("汇丰 燕兴 有阵地 党總支 ２０ ≥ 30 m² −5 ①")
    with pytest.raises(UserWarning, match="missing from"):
        _render("𠀀")  # a character in neither the subset nor the fallback font


def test_fontconfig_file_includes_the_system_and_the_bundled_folder(tmp_path):
    conf = fonts.fontconfig_file(tmp_path / "fc")
    text = conf.read_text(encoding="utf-8")
    assert "<include" in text and "/etc/fonts/fonts.conf" in text
    assert f"<dir>{FONTS}</dir>" in text
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig tools are not installed")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    listed = subprocess.run(["fc-list", ":lang=zh-cn", "family"], env=env, capture_output=True, text=True)
    assert fonts.FAMILY in listed.stdout


def test_printed_characters_reads_only_the_listed_files(tmp_path):
    (tmp_path / "workbench" / "labels").mkdir(parents=True)
    (tmp_path / "workbench" / "labels" / "x.yaml").write_text("a:\n  zh: 党建\n  en: b\n", encoding="utf-8")
    (tmp_path / "workbench" / "other.py").write_text("# 龘\n", encoding="utf-8")
    assert fonts.printed_characters(tmp_path) == {"党", "建"}
    assert fonts.printed_characters(ROOT) >= {"党", "建"}
