"""Issue 19, item 12 (last case): a PDF whose punctuation sits on lines of its own and whose header
glyphs are mis-mapped gave 0 clauses, exit 0 and no warning.

Two faults were behind it, and each has a test here:

- clean joined lines by layout only, so "一" / "、" / "指导思想" stayed three paragraphs and no clause
  marker was ever seen. Typesetting never starts a line with 、，。） nor ends one with （《 (避头/避尾),
  so such a line is now a piece of its neighbour, and a bare marker line ("一、") takes the line after
  it as its heading (grammars/clean.toml, [paragraph]).
- pdfium's text page leaves out every text object of a single glyph when the font has no glyph
  outlines (a font neither embedded nor installed — STSong-Light on a machine without CJK fonts — or
  a Type 3 font with empty glyphs): the punctuation vanished without a trace. Such a page is now a
  ``text-unread`` warning naming the page and the font, and with ``--ocr auto`` it is OCR'd.

The PDFs are made here: a Type 3 font whose glyphs are filled squares ("ink") or draw nothing
("blank"), so pdfium behaves the same on every machine whatever fonts it has; the ToUnicode map
gives each code its character, or for the header a wrong one, as the probe's 长沛编公积验管理损会 did.
"""

from __future__ import annotations

import json
import re

from gazette_parser import parse_text

from ..conftest import pdf_from_objects
from ..test_robustness import run_cli

# A notice as printed, one list item per printed line. Annotated by hand before the parser ran on
# it: the clause tree is (label, heading) below, and the title is the first two lines.
NOTICE = """长沙住房公积金管理委员会关于调整
住房公积金缴存基数的通知
长公积金委发〔2023〕3号
各区县（市）人民政府，市直各单位：
经研究，现就调整住房公积金缴存基数有关事项通知如下。
一、调整范围
（一）缴存基数。缴存基数为职工本人上一年度月平均工资，不得低于2200元。
（二）缴存比例。单位和职工缴存比例均不低于5%，不高于12%。
二、工作要求
各单位要按时完成缴存基数调整工作，确保职工权益。
三、施行时间
本通知自2023年7月1日起施行。
长沙住房公积金管理委员会
2023年6月20日
"""
TREE = [("一、", "调整范围"), ("（一）", "缴存基数"), ("（二）", "缴存比例"), ("二、", "工作要求"), ("三、", "施行时间")]
TITLE = "长沙住房公积金管理委员会关于调整住房公积金缴存基数的通知"
# the header's mis-mapped characters: what its ToUnicode map says instead (沙→沛, 房→编, 金→验, 员→损)
MISMAP = {"沙": "沛", "房": "编", "金": "验", "员": "损"}
PUNCT = "、，。：；（）〔〕%"


def _printed_lines(text: str) -> list[str]:
    """Each printed line, with every punctuation mark drawn on a line of its own."""
    out = []
    for line in text.splitlines():
        out.extend(p for p in re.split(f"([{re.escape(PUNCT)}])", line) if p)
    return out


def _type3_pdf(lines: list[str], ink: bool, mismapped_lines: int = 0) -> bytes:
    """One page drawing ``lines`` (one per printed line) in a Type 3 font of one code per character;
    the first ``mismapped_lines`` lines use codes of their own whose ToUnicode entry is MISMAP's."""
    codes: dict[tuple[str, bool], int] = {}
    for k, line in enumerate(lines):
        for ch in line:
            codes.setdefault((ch, k < mismapped_lines and ch in MISMAP), len(codes) + 1)
    assert len(codes) < 256, len(codes)
    content = ["BT /F1 14 Tf 21 TL 72 790 Td"]
    for k, line in enumerate(lines):
        hexes = "".join(f"{codes[(ch, k < mismapped_lines and ch in MISMAP)]:02X}" for ch in line)
        content.append(f"<{hexes}> Tj T*")
    stream = ("\n".join(content) + "\nET").encode()
    glyph = b"1000 0 0 0 900 900 d1 0 0 900 900 re f" if ink else b"1000 0 d0"
    n = len(codes)
    bfchar = "\n".join(f"<{c:02X}> <{ord(MISMAP[ch] if wrong else ch):04X}>" for (ch, wrong), c in codes.items())
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n/CMapName /T3 def /CMapType 2 def\n"
            "1 begincodespacerange <00> <FF> endcodespacerange\n"
            f"{n} beginbfchar\n{bfchar}\nendbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end").encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        (f"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] /FontMatrix [0.001 0 0 0.001 0 0] "
         f"/CharProcs << /g 6 0 R >> /Encoding << /Type /Encoding /Differences [1 {' '.join(['/g'] * n)}] >> "
         f"/FirstChar 1 /LastChar {n} /Widths [{' '.join(['1000'] * n)}] /ToUnicode 7 0 R /Resources << >> >>").encode(),
        b"<< /Length %d >>\nstream\n" % len(glyph) + glyph + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    return pdf_from_objects(objs)


def _tree(doc: dict) -> list[tuple[str, str]]:
    out = []

    def walk(clauses):
        for c in clauses:
            out.append((c["label"], c.get("heading")))
            walk(c.get("children", []))

    walk(doc["clauses"])
    return out


def _parse_cli(tmp_path, data: bytes, *args: str) -> tuple[dict, str]:
    src = tmp_path / "notice.pdf"
    src.write_bytes(data)
    out = tmp_path / "notice.json"
    proc = run_cli(str(src), "--ocr", "never", "-o", str(out), *args, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return json.loads(out.read_text("utf-8")), proc.stderr


def test_the_notice_as_typed_gives_the_annotated_tree():
    """The annotation itself, on the text as typed: the reference the PDF cases are held to."""
    issue = json.loads(_json_of(NOTICE))
    assert _tree(issue["documents"][0]) == TREE
    assert issue["documents"][0]["title"] == TITLE


def _json_of(text: str) -> str:
    from gazette_parser.emit.json import dumps

    return dumps(parse_text(text))


def test_punctuation_on_lines_of_its_own_in_a_text_joins_its_line():
    """The same notice with every punctuation mark on a line of its own, as a text: the same tree."""
    issue = json.loads(_json_of("\n".join(_printed_lines(NOTICE)) + "\n"))
    doc = issue["documents"][0]
    assert _tree(doc) == TREE
    assert doc["title"] == TITLE and doc["doc_number"] == "长公积金委发〔2023〕3号"


def test_punctuation_drawn_on_lines_of_its_own_in_a_pdf_gives_the_tree(tmp_path):
    issue, _ = _parse_cli(tmp_path, _type3_pdf(_printed_lines(NOTICE), ink=True))
    doc = issue["documents"][0]
    assert _tree(doc) == TREE
    assert doc["doc_number"] == "长公积金委发〔2023〕3号"
    assert not [w for w in issue["warnings"] if w["code"] == "text-unread"]


def test_mismapped_header_is_not_silent(tmp_path):
    """The probe's case: punctuation on lines of its own and a mis-mapped header. The tree is found,
    and the title whose issuer reads 长沛住编公积验管理委损会 while the signature reads
    长沙住房公积金管理委员会 is a warning on page 1 naming both."""
    issue, _ = _parse_cli(tmp_path, _type3_pdf(_printed_lines(NOTICE), ink=True, mismapped_lines=3))
    doc = issue["documents"][0]
    assert _tree(doc) == TREE
    assert doc["title"] != TITLE
    on_head = [w for w in issue["warnings"] if w["code"] == "doc-issuer-mismatch"]
    assert len(on_head) == 1 and on_head[0]["page_index"] == 1, issue["warnings"]
    assert "长沛住编公积验管理委损会" in on_head[0]["message"] and "长沙住房公积金管理委员会" in on_head[0]["message"]


def test_single_glyphs_a_text_page_leaves_out_are_a_warning(tmp_path):
    """Glyphs without outlines: pdfium's text page drops every one-glyph text object (here every
    punctuation mark and nothing else). The loss is a text-unread warning naming page and font;
    the text that was read is kept."""
    lines = _printed_lines(NOTICE)
    singles = sum(1 for l in lines if len(l) == 1)
    issue, stderr = _parse_cli(tmp_path, _type3_pdf(lines, ink=False), "--include-text")
    unread = [w for w in issue["warnings"] if w["code"] == "text-unread"]
    assert len(unread) == 1 and unread[0]["page_index"] == 1, issue["warnings"]
    assert f"{singles} text objects gave no text" in unread[0]["message"]
    assert "(OCR disabled by --ocr never)" in unread[0]["message"]
    text = issue["source"]["text"]
    assert "调整范围" in text and "缴存基数为职工本人上一年度月平均工资" in text  # the rest is kept
