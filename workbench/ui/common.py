"""Small pieces shared by the widgets: figures as PNG bytes, escaped HTML tables and notes."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

STYLE = """<style>
.wb-cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 16px; }
.wb-card { flex: 1 1 150px; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 14px; background: #fafbfc; }
.wb-card-label { font-size: 14px; color: #57606a; }
.wb-card-value { font-size: 30px; font-weight: 700; color: #b42318; line-height: 1.3; }
.wb-error { color: #b42318; font-weight: 600; }
.wb-gaps li, .wb-problems td { font-size: 15px; line-height: 1.6; }
.wb-problems { border-collapse: collapse; } .wb-problems td, .wb-problems th { border: 1px solid #d0d7de; padding: 2px 8px; }
</style>"""
"""The dashboards' look: headline cards in a row with large numbers, readable lists and tables."""


def figure_image(figure: Figure, *, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (for ``widgets.Image``); the figure is closed."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _cell(value: object) -> str:
    return "" if value is None else html.escape(str(value))


def html_table(columns: Sequence[str], rows: Iterable[Sequence[object]], *, css: str = "") -> str:
    """An HTML table with every cell escaped."""
    head = "".join(f"<th>{_cell(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def text_block(text: str, css: str) -> str:
    """A paragraph of escaped text with a CSS class."""
    return f"<p class='{css}'>{_cell(text)}</p>"
