"""Small pieces shared by the widgets: figures as PNG bytes, escaped HTML tables and notes."""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure


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
