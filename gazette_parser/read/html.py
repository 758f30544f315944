"""HTML: the document body of a government web page (not its navigation), via lxml.

How the body is found, without a list of sites:

1. decode: a BOM, else the ``<meta charset>`` (GB2312/GBK read as GB18030), else UTF-8 when it
   decodes cleanly, else GB18030;
2. drop what is never content (script, style, nav, header, footer, form, iframe …);
3. count, for every element, the Han characters of its text that are not link text (navigation,
   "related documents" lists and share buttons are links), and walk down from the root into the
   child holding at least ``SHARE`` of that count, as long as there is one: the element where the
   walk stops is the body. Fragments (the gov.cn ``gwy_*`` files are the article body alone) pass
   through unchanged;
4. the title, when a page prints it above the body (a heading or paragraph whose text is the
   page ``<title>`` minus the site's suffix), is put back as the first line;
5. lines: every block element (p, div, br, li, tr, h1-h6 …) ends a line. A data table (two rows or
   more with two filled cells or more, no table nested in it, no cell holding most of its text — a
   table used for page layout is read as ordinary blocks) gives one line per row, marked
   ``Line.table`` with the table's number: its cells separated by a wide gap, the paragraphs inside a
   cell by a space, so a cell "1.重点人群签约服务覆盖率" is never a line of its own. Rows of one cell
   above the first row of several (a title spanning the table: "附件1", its title) stay running text.

The result is one page of lines without geometry; clean joins and normalises them like text.
"""

from __future__ import annotations

import re
from typing import Optional

import regex

from ..chars import count_han, split_bom
from ..errors import ReadError
from ..model import Line, Page, Source, SourceInfo
from ..resources import compiled

SHARE = 0.8

_DROP = {"script", "style", "noscript", "iframe", "nav", "header", "footer", "form", "button", "select",
         "input", "textarea", "object", "embed", "svg", "canvas", "template", "map", "title", "link", "meta"}
_BLOCK = {"head", "p", "div", "br", "li", "ul", "ol", "tr", "table", "tbody", "thead", "h1", "h2", "h3", "h4", "h5",
          "h6", "section", "article", "center", "blockquote", "pre", "dd", "dt", "dl", "hr", "main", "aside",
          "figure", "figcaption", "caption", "address", "body", "html"}
_CELL = {"td", "th"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def decode_html(data: bytes, path: Optional[str] = None) -> str:
    encoding, rest = split_bom(data)
    if encoding is not None:
        return rest.decode(encoding, errors="replace")
    m = _CHARSET.search(data[:8192])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
        return data.decode("gb18030", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared and declared not in ("utf-8", "utf8"):
        try:
            return data.decode(declared, errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def _tag(el) -> Optional[str]:
    t = el.tag
    return t.lower() if isinstance(t, str) else None


def _han(s: Optional[str]) -> int:
    return count_han(s) if s else 0


def _scores(root) -> dict:
    """Han characters of non-link text under each element (post-order)."""
    score: dict = {}

    def visit(el, in_link: bool) -> int:
        tag = _tag(el)
        link = in_link or tag == "a"
        n = 0 if link else _han(el.text)
        for ch in el:
            if _tag(ch) is None:  # comments, processing instructions
                n += 0 if link else _han(ch.tail)
                continue
            n += visit(ch, link)
            n += 0 if link else _han(ch.tail)
        score[el] = n
        return n

    visit(root, False)
    return score


def _body(root, score: dict):
    el = root
    total = score.get(root, 0)
    if total == 0:
        return root
    while True:
        best = None
        for ch in el:
            if _tag(ch) is not None and score.get(ch, 0) >= SHARE * total:
                best = ch
                break
        if best is None:
            return el
        el = best


_CENTER = re.compile(r"text-align\s*:\s*center", re.I)
_DOCNO = re.compile(r"〔\s*\d{4}\s*〕|\[\s*\d{4}\s*\]|第\s*\d+\s*号|\d+\s*号$|日$")


class _Out:
    __slots__ = ("text", "link_only", "centered", "link_share", "table")

    def __init__(self, text: str, link_only: bool, centered: bool, link_share: float = 0.0,
                 table: Optional[int] = None):
        self.text, self.link_only, self.centered, self.link_share = text, link_only, centered, link_share
        self.table = table  # number of the data table this line is a row of, None for running text


def _rows(table) -> list:
    """The rows of a table (not of tables nested in it)."""
    return [r for r in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")]


def _cells(row) -> list:
    return [c for c in row if _tag(c) in _CELL]


def _data_table(table) -> bool:
    """A table of data (rows of cells), not a table laying out the page around the text."""
    if table.xpath(".//table"):
        return False  # layout tables nest; data tables do not
    rows = _rows(table)
    filled = 0
    hans: list[int] = []
    for r in rows:
        cells = _cells(r)
        texts = [re.sub(r"\s+", "", c.text_content() or "") for c in cells]
        if sum(1 for t in texts if t) >= 2:
            filled += 1
        hans.extend(_han(t) for t in texts)
    if filled < 2:
        return False
    total = sum(hans)
    return not (total >= 300 and max(hans) >= 0.5 * total)  # one cell holding the page's text


def _centered(e) -> bool:
    return (_tag(e) == "center" or (e.get("align") or "").lower() == "center"
            or bool(_CENTER.search(e.get("style") or "")))


def _lines(el, tables: Optional[list] = None) -> list[_Out]:
    """Lines of an element; ``tables`` counts the data tables met (one counter per page)."""
    if tables is None:
        tables = [0]
    lines: list[_Out] = []
    buf: list[str] = []
    state = {"plain": False, "center": False, "linkc": 0, "allc": 0}

    def flush():
        s = re.sub(r"[\r\n\t]+", " ", "".join(buf)).strip()
        buf.clear()
        if s:
            share = state["linkc"] / state["allc"] if state["allc"] else 0.0
            lines.append(_Out(s, not state["plain"], state["center"], share))
        state.update(plain=False, center=False, linkc=0, allc=0)

    def add(t: Optional[str], link: bool, center: bool):
        if t and t.strip():
            buf.append(t)
            n = len(t.strip())
            state["allc"] += n
            if link:
                state["linkc"] += n
            else:
                state["plain"] = True
            if center:
                state["center"] = True
        elif t:
            buf.append(t)

    def walk(e, link: bool, center: bool):
        tag = _tag(e)
        if tag is None or tag in _DROP:
            return
        block = tag in _BLOCK
        if block:
            flush()
        if tag == "table" and _data_table(e):
            _table_rows(e, link, tables, lines)
            return
        link = link or tag == "a"
        center = center or _centered(e)
        if tag in _CELL and buf and "".join(buf).strip():
            buf.append("  ")
        add(e.text, link, center)
        for ch in e:
            walk(ch, link, center)
            add(ch.tail, link, center)
        if block or tag == "br":
            flush()

    walk(el, False, False)
    flush()
    return lines


def _table_rows(table, link: bool, tables: list, lines: list[_Out]) -> None:
    """One line per row of a data table: cells split by a wide gap, a cell's paragraphs by a space."""
    number = tables[0]
    tables[0] += 1
    for cap in table.xpath("./caption"):
        lines.extend(_lines(cap, tables))
    body = False  # past the title rows
    for row in _rows(table):
        outs = []
        cells: list[str] = []
        for cell in _cells(row):
            got = _lines(cell, tables)
            text = " ".join(o.text for o in got).strip()
            if text:
                cells.append(text)
                outs.extend(got)
        if len(cells) == 1 and not body:
            lines.extend(outs)  # a title row spanning the table ("附件1" / its title): running text
            continue
        if cells:
            body = True
            n = sum(len(o.text) for o in outs)
            share = sum(o.link_share * len(o.text) for o in outs) / n if n else 0.0
            only = link or all(o.link_only for o in outs)
            lines.append(_Out("  ".join(cells), only, False, share, number))


def _tidy(lines: list[_Out]) -> list[tuple[str, Optional[int]]]:
    """Drop page furniture at the body's edges; join a title centred over several lines.

    Gives (text, table number or None) per line."""

    def furniture(o: _Out) -> bool:
        t = o.text.strip()
        return (o.link_only and len(re.sub(r"\s", "", t)) <= 20) or (len(t) <= 4 and not any(c.isdigit() for c in t)
                                                  and (_han(t) < 2 or t.endswith(("：", ":"))))

    while lines and furniture(lines[0]):
        lines.pop(0)
    while lines and furniture(lines[-1]):
        lines.pop()
    # link bars inside the body ("PDF格式下载 收藏 打印", "字号：大 中 小"); attachments stay
    lines = [o for o in lines
             if not (o.link_share >= 0.5 and len(re.sub(r"\s", "", o.text)) <= 20 and "附件" not in o.text)]
    out: list[tuple[str, Optional[int]]] = []
    i = 0
    while i < len(lines):
        o = lines[i]
        text = o.text
        if i < 6 and o.centered and o.table is None:
            while (i + 1 < len(lines) and lines[i + 1].centered and lines[i + 1].table is None
                   and _title_part(text) and _title_part(lines[i + 1].text)):
                i += 1
                text = text + lines[i].text
        out.append((text, o.table))
        i += 1
    return out


def _title_part(t: str) -> bool:
    t = t.strip()
    return (_han(t) >= 4 and "。" not in t and "：" not in t and not _DOCNO.search(t)
            and not t.endswith(("：", ":")))


def _title_line(root, body, page_title: str) -> Optional[str]:
    """A heading printed above the body that repeats the page <title> (minus the site's suffix)."""
    if not page_title:
        return None
    head = re.split(r"\s*[_|｜—-]{1,2}\s*", page_title.strip())[0].strip()
    if _han(head) < 6:
        return None
    best = None
    for el in root.iter():
        if el is body:
            break
        if _tag(el) in (None, "title", "a", "script", "style"):
            continue
        t = re.sub(r"\s+", "", el.text_content() or "")
        if _han(t) >= 6 and (t == re.sub(r"\s+", "", head) or (len(t) >= 0.8 * len(head) and t in page_title)):
            best = el.text_content().strip()
    return best


def _compile_web(g: dict) -> tuple:
    w = g["web_page"]
    return regex.compile(w["doc_number_line"]), regex.compile(w["doc_number_any"])


def _web_patterns() -> tuple:
    """(a 文号 alone on its element, any 文号 in a line): grammars/document.toml [web_page]."""
    return compiled("document.toml", _compile_web)


def _docno_line(root, body) -> Optional[str]:
    """A 文号 printed on its own above the body (under the title), outside the body's container."""
    found = None
    for el in root.iter():
        if el is body:
            break
        if _tag(el) in (None, "a", "title"):
            continue
        t = re.sub(r"\s+", "", el.text_content() or "")
        if _web_patterns()[0].match(t):
            found = t
    return found


def read_html(data: bytes, path: Optional[str], sha256: str) -> Source:
    import lxml.html
    from lxml import etree

    text = decode_html(data, path)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    # huge_tree lifts libxml2's default limits (nesting depth 256, a 10 MB text node or
    # attribute), past which it silently drops the rest of the page; entities are never expanded.
    parser = lxml.html.HTMLParser(huge_tree=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise ReadError(f"cannot parse HTML: {e}", file=path) from None
    except RecursionError:
        raise ReadError("cannot parse HTML: elements nest too deeply", file=path) from None
    try:
        return _read_tree(root, data, path, sha256)
    except RecursionError:  # nesting deeper than the tree walks follow: reported, not a traceback
        raise ReadError("cannot read HTML: elements nest too deeply (thousands of levels)", file=path) from None


def _read_tree(root, data: bytes, path: Optional[str], sha256: str) -> Source:
    titles = root.xpath("//title")
    page_title = titles[0].text_content().strip() if titles else ""
    for el in list(root.iter()):
        if _tag(el) in _DROP and _tag(el) != "head" and el.getparent() is not None:
            el.drop_tree()
    score = _scores(root)
    body = _body(root, score)
    lines = _tidy(_lines(body))
    title = _title_line(root, body, page_title)
    if title:
        t = re.sub(r"\s+", "", title)
        heads = [re.sub(r"\s+", "", l) for l, _ in lines[:4]]
        if not any(t in h or (len(h) >= 0.6 * len(t) and h in t) for h in heads):
            lines.insert(0, (title, None))
    docno = _docno_line(root, body)
    if docno and not any(_web_patterns()[1].search(l) for l, _ in lines[:6]):
        lines.insert(1 if title else 0, (docno, None))
    if not lines:
        raise ReadError("no text in the HTML page", file=path)
    info = SourceInfo(path=path, format="html", sha256=sha256, size=len(data), pages=1)
    return Source(info=info, pages=(Page(index=1, lines=tuple(Line(l, table=k) for l, k in lines)),))
