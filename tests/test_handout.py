"""The printable handout: A4 pages whose Chinese text is really in the PDF (extracted back here).

The text is read back with a small PDF reader written for this test (no PDF library is a project
dependency): it follows each page's fonts to their ToUnicode maps and decodes the shown strings.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from workbench.cli import main as cli
from workbench.settings import RULES
from workbench.training.handout import text_width, wrap, write_handout

A4_POINTS = (595.44, 841.68)


# --- a minimal reader of matplotlib's PDFs -----------------------------------------------------


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}


def _stream(body: bytes) -> bytes:
    raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S).group(1)
    return zlib.decompress(raw) if b"FlateDecode" in body.split(b"stream")[0] else raw


def _ref(body: bytes, key: bytes) -> int:
    return int(re.search(rb"/" + key + rb" (\d+) 0 R", body).group(1))


def _cmap(data: bytes) -> dict[int, str]:
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)", block
        ):
            codes = range(int(lo, 16), int(hi, 16) + 1)
            if dst.startswith(b"["):
                targets = [
                    bytes.fromhex(h.decode()).decode("utf-16-be") for h in re.findall(rb"<([^>]+)>", dst)
                ]
            else:
                start = int(dst[1:-1], 16)
                targets = [chr(start + k) for k in range(len(codes))]
            out.update(zip(codes, targets, strict=True))
    return out


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _literal(token: bytes) -> bytes:
    def unescape(match: re.Match) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return _ESCAPES.get(code, code)

    return re.sub(rb"\\([0-7]{1,3}|.)", unescape, token[1:-1], flags=re.S)


def pdf_pages(path: Path) -> list[dict]:
    """Each page's ``text`` (decoded through the fonts' ToUnicode maps), ``media_box`` and the
    ``fonts`` (base font names) it uses."""
    data = path.read_bytes()
    objects = _objects(data)
    pages = []
    for body in objects.values():
        if not re.search(rb"/Type /Page\b(?!s)", body):
            continue
        resources = objects[_ref(body, b"Resources")]
        font_dict = objects[_ref(resources, b"Font")]
        fonts, names = {}, {}
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", font_dict):
            font = objects[int(number)]
            names[name] = re.search(rb"/BaseFont /(\S+)", font).group(1).decode()
            fonts[name] = _cmap(_stream(objects[_ref(font, b"ToUnicode")])) if b"/ToUnicode" in font else {}
        content = _stream(objects[_ref(body, b"Contents")])
        text, current, used = [], None, set()
        for token in re.finditer(rb"/(F\d+)\s+[\d.]+\s+Tf|\((?:\\.|[^\\)])*\)|\bET\b", content, re.S):
            if token.group(1):
                current = token.group(1)
                used.add(names[current])
            elif token.group(0) == b"ET":
                text.append("\n")
            else:
                raw = _literal(token.group(0))
                codes = [int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw) - 1, 2)]
                text.append("".join(fonts[current].get(c, "\ufffd") for c in codes))
        box = [float(v) for v in re.search(rb"/MediaBox \[\s*([^\]]+)\]", body).group(1).split()]
        pages.append({"text": "".join(text), "media_box": box, "fonts": used})
    return pages


# --- the handout ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("handout") / "handout.pdf"
    return path, write_handout(path)


def test_the_handout_has_two_to_four_a4_pages(handout):
    path, count = handout
    pages = pdf_pages(path)
    assert 2 <= count <= 4 and len(pages) == count
    for page in pages:
        assert page["media_box"][2:] == pytest.approx(A4_POINTS, abs=1)


def test_the_chinese_text_is_embedded_and_extractable(handout):
    path, _ = handout
    pages = pdf_pages(path)
    first = pages[0]["text"]
    assert "五有学习课件" in first and "汇丰社区" in first and "有阵地" in first
    assert "\ufffd" not in "".join(p["text"] for p in pages)
    assert any("NotoSansCJKsc" in font for font in pages[0]["fonts"])
    everything = "".join(p["text"] for p in pages)
    assert "规则小测验" in everything and "联合支部" in everything


def test_the_rules_printed_are_the_rules_in_force(tmp_path):
    rules = replace(RULES, joint_branch_max_units=4, probation_months=18)
    path = tmp_path / "h.pdf"
    write_handout(path, rules=rules)
    text = "".join(p["text"] for p in pdf_pages(path))
    assert "最多 4 个单位" in text and "预备期 18 个月" in text
    assert "最多 5 个单位" not in text


def test_an_english_handout(tmp_path):
    path = tmp_path / "en.pdf"
    write_handout(path, lang="en")
    text = "".join(p["text"] for p in pdf_pages(path))
    assert "Five-haves study session" in text and "Quiz on the rules" in text


def test_the_command_refuses_to_overwrite_unless_forced(tmp_path, capsys):
    path = tmp_path / "handout.pdf"
    path.write_bytes(b"keep me")
    assert cli(["handout", "--out", str(path)]) == 1
    assert path.read_bytes() == b"keep me" and "--force" in capsys.readouterr().err
    assert cli(["handout", "--out", str(path), "--force"]) == 0
    assert path.read_bytes().startswith(b"%PDF") and "讲义已保存" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == [path]


def test_wrapping_counts_chinese_as_full_width():
    assert text_width("五有ab") == 3.0
    lines = wrap("五有规划工作台 Five-Haves Planning Workbench", 8)
    assert all(text_width(line) <= 8 for line in lines)
    assert "".join(lines).replace(" ", "") == "五有规划工作台Five-HavesPlanningWorkbench"
