"""issue.grammar: grammars/document.toml compiled, the patterns every part of the issue stage uses.

What the document grammar governs (the 文号, 令 headers, 文种, titles, 主送机关, signature blocks,
attachments, the cover, the contents and the colophon) is said in the file's own header; this
module turns it into compiled ``regex`` patterns once per file content (resources.compiled).
"""

from __future__ import annotations

import regex

from ..resources import compiled

GRAMMAR = "document.toml"


class DocumentGrammar:
    """The compiled patterns of grammars/document.toml."""

    def __init__(self, g: dict):
        c = regex.compile
        self.raw = g
        dn = g["doc_number"]
        self.doc_number = c(dn["pattern"])
        self.doc_number_line = c(dn["line"].replace("{doc_number}", dn["pattern"]))
        self.doc_number_trailing = c(dn["trailing"].replace("{doc_number}", dn["pattern"]))
        self.prefix_stop = sorted(dn.get("prefix_stop", []), key=len, reverse=True)
        o = g["order"]
        self.order_header = c(o["header"])
        self.order_number = c(o["number"])
        self.order_one_line = c(o["one_line"])
        self.order_cited = c(o["cited"])
        dt = g["doc_type"]
        self.doc_types = sorted(set(dt["types"]) | set(dt.get("aliases", {})), key=len, reverse=True)
        self.doc_type_alias = dict(dt.get("aliases", {}))
        self.issuing_verbs = list(dt.get("issuing_verbs", []))
        self.standalone_types = list(dt.get("standalone_types", []))
        t = g["title"]
        self.title_max_line = int(t.get("max_line", 90))
        self.title_max_lines = int(t.get("max_lines", 5))
        self.law_title_max_line = int(t.get("law_max_line", 240))
        self.body_chars = c(t["body_chars"])
        self.numbered_body = c(t["numbered_body"])
        self.not_title = [c(p) for p in t.get("not_title", [])]
        self.red_header = c(t["red_header"])
        self.skip = [c(p) for p in t.get("skip", [])]
        self.max_skip = int(t.get("max_skip", 8))
        a = g["addressees"]
        self.addressee = c(a["pattern"])
        self.addressee_split = c(a["split"])
        self.not_addressee = list(a.get("not_addressee", []))
        s = g["signature"]
        self.date_line = c(s["date_line"])
        self.date = c(s["date"])
        self.signer = c(s["signer"])
        self.issuer_line = c(s["issuer_line"])
        self.issuer_split = c(s["issuer_split"])
        self.issuer_min_part = int(s.get("issuer_min_part", 3))
        self.issuer_joint = c(s["issuer_joint"]) if s.get("issuer_joint") else None
        self.issuer_joint_min = int(s.get("issuer_joint_min", 5))
        self.not_issuer = [c(p) for p in s.get("not_issuer", [])]
        self.sig_max_lines = int(s.get("max_lines", 6))
        self.banji = [c(p) for p in s.get("banji", [])]
        self.headnote = c(s["headnote"])
        self.joint_count = c(s["joint_count"])
        self.sig_trailer = [c(p) for p in s.get("trailer", [])]
        at = g["attachments"]
        self.att_named = [c(p) for p in at["named"]]
        self.att_list_head = c(at["list_head"])
        self.att_list_item = c(at["list_item"])
        self.att_label = c(at["label"])
        self.att_from_title = c(at["from_title"])
        self.att_title_blank = c(at["title_blank"])
        i = g["issue"]
        self.gazette = c(i["gazette"])
        self.year = c(i["year"])
        self.number = c(i["number"])
        self.total = c(i["total"])
        self.publish_date = c(i["publish_date"])
        self.publisher = c(i["publisher"])
        self.gazette_en = c(i["gazette_en"])
        self.gazette_en_continued = c(i["gazette_en_continued"])
        self.publisher_en = c(i["publisher_en"])
        self.published_en = c(i["published_en"])
        tc = g["toc"]
        self.toc_heading = c(tc["heading"])
        self.toc_category = c(tc["category"])
        self.toc_page = c(tc["page"])
        self.toc_page_bare = c(tc["page_bare"])
        self.toc_table_header = c(tc["table_header"])
        self.toc_table_row_page = c(tc["table_row_page"])
        self.toc_number_suffix = c(tc["number_suffix"]) if tc.get("number_suffix") else None
        self.toc_en_skip = [c(p) for p in tc.get("en_skip", [])]
        self.toc_repairs = [(c(a), b) for a, b in tc.get("repairs", [])]
        co = g["colophon"]
        self.col_field = c(co["field"])
        self.col_keys = set(co["keys"])
        self.col_min = int(co.get("min_fields", 3))
        self.col_supervisor = list(co.get("supervisor", []))
        self.col_publisher = list(co.get("publisher", []))
        self.col_serial = list(co.get("serial", []))
        self.col_serial_value = c(co["serial_value"])


def grammar() -> DocumentGrammar:
    """The compiled document grammar (recompiled when --grammar-dir changes the file)."""
    return compiled(GRAMMAR, DocumentGrammar)

