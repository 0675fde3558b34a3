"""Printable A4 pages: text flowed down the page and charts placed between, in the bundled Chinese
font, for the handout and the briefing PDF.

Pages are matplotlib figures saved with :class:`~matplotlib.backends.backend_pdf.PdfPages`, with the
font embedded as TrueType (``pdf.fonttype`` 42) so the text can be searched and copied.
:func:`a4_document` writes to a side file and moves it into place only when the document is whole.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib as mpl
import matplotlib.image as mpimg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from .fonts import use_chinese_font

A4_INCHES = (8.27, 11.69)
MARGIN = 0.07  # of the page, each side
BODY_PT = 10.5
LINE = 1.55  # line height, in font sizes


def text_width(text: str) -> float:
    """Width of ``text`` in em: a CJK or full-width character is 1, anything else ½."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)


def wrap(text: str, width_em: float) -> list[str]:
    """``text`` cut into lines at most ``width_em`` wide (breaking anywhere in CJK, at spaces
    in Latin text when one is near)."""
    lines, line = [], ""
    for ch in text:
        if text_width(line + ch) > width_em:
            cut = line.rfind(" ")
            if ch != " " and cut > len(line) * 0.6:
                lines.append(line[:cut])
                line = line[cut + 1 :]
            else:
                lines.append(line)
                line = ""
            if ch == " ":
                continue
        line += ch
    return [*lines, line] if line else lines


class PageWriter:
    """Flowing text onto A4 pages: a cursor moving down, a new page when the current is full.

    ``footer(page)`` gives the text printed at the foot of each page (numbered from 1).
    """

    def __init__(self, pdf: PdfPages, *, footer: Callable[[int], str]):
        self.pdf, self.footer, self.pages = pdf, footer, 0
        self.figure: Figure | None = None
        self.y = 0.0

    def _pt(self, size: float) -> float:
        """A line of ``size`` points as a fraction of the page height."""
        return size * LINE / 72 / A4_INCHES[1]

    def _room(self, height: float) -> None:
        if self.figure is None or self.y - height < MARGIN:
            self.finish()
            self.figure = Figure(figsize=A4_INCHES)
            self.y = 1 - MARGIN
            self.pages += 1
            self.figure.text(
                0.5, MARGIN / 2, self.footer(self.pages), ha="center", fontsize=BODY_PT - 2, color="#666"
            )

    def text(self, text: str, *, size: float = BODY_PT, bold: bool = False, indent: float = 0.0) -> None:
        width_em = (1 - 2 * MARGIN - indent) * A4_INCHES[0] * 72 / size
        for line in wrap(text, width_em):
            self._room(self._pt(size))
            self.y -= self._pt(size)
            self.figure.text(
                MARGIN + indent,
                self.y,
                line,
                fontsize=size,
                fontweight="bold" if bold else "normal",
                va="bottom",
            )

    def heading(self, text: str, *, size: float = BODY_PT + 4) -> None:
        self.space(0.5)
        self.text(text, size=size, bold=True)
        self.space(0.3)

    def bullets(self, lines: list[str]) -> None:
        for line in lines:
            self.text(f"• {line}", indent=0.01)

    def space(self, lines: float = 1.0) -> None:
        self.y -= lines * self._pt(BODY_PT)

    def image(self, png: bytes, *, height: float) -> None:
        """A PNG ``height`` (share of the page) tall, centred, no wider than the text."""
        self._room(height)
        picture = mpimg.imread(io.BytesIO(png), format="png")
        aspect = picture.shape[1] / picture.shape[0] * A4_INCHES[1] / A4_INCHES[0]
        width = min(1 - 2 * MARGIN, height * aspect)
        self.y -= height
        axes = self.figure.add_axes((0.5 - width / 2, self.y, width, height))
        axes.imshow(picture)
        axes.set_axis_off()

    def finish(self) -> None:
        """Save the current page (if any); the next text starts a new one."""
        if self.figure is not None:
            self.pdf.savefig(self.figure)
            self.figure = None


@contextmanager
def a4_document(path: str | os.PathLike, *, title: str, footer: Callable[[int], str]) -> Iterator[PageWriter]:
    """A :class:`PageWriter` onto a new PDF at ``path``, which appears only once the block ends
    without error (an existing file is replaced then)."""
    use_chinese_font()
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    metadata = {"Title": title, "CreationDate": None}
    try:
        with mpl.rc_context({"pdf.fonttype": 42}), PdfPages(partial, metadata=metadata) as pdf:
            writer = PageWriter(pdf, footer=footer)
            yield writer
            writer.finish()
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
