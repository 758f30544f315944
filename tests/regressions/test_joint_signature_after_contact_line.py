"""穗卫函〔2023〕1930号 (web page): the contact line "…联系电话：81085234" ends without punctuation and
the joint signature "广州市卫生健康委员会 广州市财政局" followed it; clean joined them into one
paragraph, and two of the four issuers were lost."""

from __future__ import annotations

import gazette_parser

from ..conftest import DATA


def test_joint_signature_is_not_joined_to_the_contact_line():
    issue = gazette_parser.parse(DATA / "gz_suiweihan_2023_1930.html")
    doc = issue.documents[0]
    assert doc.doc_number == "穗卫函〔2023〕1930号"
    assert doc.issuers == ["广州市卫生健康委员会", "广州市财政局", "广州市人力资源和社会保障局", "广州市医疗保障局"]
    assert "81085234广州" not in issue.text.text
