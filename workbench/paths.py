"""Where the project's bundled files are."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
DATA = ROOT / "data"
SAMPLE_LEDGER = DATA / "sample" / "sample_street.xlsx"
RUBRICS = DATA / "rubrics"
NOTEBOOKS = ROOT / "notebooks"
DASHBOARDS = ROOT / "dashboards"
FONTS = PACKAGE / "assets" / "fonts"
