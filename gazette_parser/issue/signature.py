"""issue.signature: the signature block (发文机关署名, 成文日期) and who issued a document.

The date is the first date standing alone on its line after the body begins; the issuer lines
(and a 令's signer, 总理　李克强) are the few lines just above it, and the trailer lines below it
(此件公开发布, a bracketed 文号, 版记 lines) close the block. One signature line may name several
issuers side by side (广州市卫生健康委员会  广州市财政局) or letter-spaced one (国 务 院).
``garbled_twin`` tells a title's issuer that is the signed one with characters replaced one for
one — mis-mapped glyphs or an OCR misreading — from a genuinely different issuer.
"""

from __future__ import annotations

from typing import Optional

from ..chars import squeeze
from .grammar import grammar
from .lexicon import doc_type_of, is_banji, is_date_line
from .lines import Ln

def split_issuers(line: str) -> list[str]:
    """Issuer names on one signature line: '广州市卫生健康委员会  广州市财政局' gives two;
    a letter-spaced '国 务 院' gives one."""
    g = grammar()
    parts = [p for p in g.issuer_split.split(line.strip()) if p]
    if len(parts) > 1 and all(len(p) >= g.issuer_min_part for p in parts):
        names = [squeeze(p) for p in parts]
    else:
        names = [squeeze(line)] if line.strip() else []
    out: list[str] = []
    for name in names:
        pieces = g.issuer_joint.split(name) if g.issuer_joint else [name]
        if len(pieces) > 1 and all(len(p) >= g.issuer_joint_min for p in pieces):
            out.extend(pieces)
        else:
            out.append(name)
    return out


def find_signature(lines: list[Ln], lo: int) -> Optional[tuple[int, int, int, list[str], Optional[str]]]:
    """The signature block at or after line lo: (first line, date line, last line, issuers,
    signer). The date is the first date standing alone on its line."""
    g = grammar()
    d = next((i for i in range(lo, len(lines)) if is_date_line(lines[i].text)), None)
    if d is None:
        return None
    issuers: list[str] = []
    signer = None
    first = d
    j = d - 1
    while j >= lo and d - j <= g.sig_max_lines:
        t = lines[j].stripped
        m = g.signer.match(t)
        if m:
            signer = f"{squeeze(m.group('title'))} {m.group('name')}"
            first = j
            j -= 1
            continue
        if g.issuer_line.match(t) and not any(p.search(t) for p in g.not_issuer) \
                and doc_type_of(t) is None:
            issuers[:0] = split_issuers(t)
            first = j
            j -= 1
            continue
        break
    last = d
    k = d + 1
    while k < len(lines) and (any(p.match(lines[k].stripped) for p in g.sig_trailer)
                              or g.doc_number_trailing.match(lines[k].stripped)
                              or is_banji(lines[k].text)):
        last = k
        k += 1
    return first, d, last, issuers, signer


def garbled_twin(a: str, b: str) -> bool:
    """``a`` reads as ``b`` with some characters replaced one for one — what a font with a wrong
    ToUnicode map (长沛住编公积验管理委损会 for 长沙住房公积金管理委员会) or an OCR misreading gives.
    A title that names another issuer, an abbreviation or a joint one differs in length or in most
    characters instead."""
    if len(a) != len(b) or len(a) < 4 or a == b:
        return False
    same = sum(x == y for x, y in zip(a, b))
    return same >= len(a) / 2 and a[0] == b[0]

