"""units: lead/responsible units from every note style, on real text.

The texts are real: the sample issue (samples/cq-gazette-2022-14.txt) and snippets copied from
the shared samples into tests/data/units_*.txt (first line a "# source" comment; a line "\\fN"
ends printed page N, so pages are real too). Clauses are built here by a small marker-based
helper, so these tests exercise units.py on its own, whatever the clause builder does.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from gazette_parser import model, units
from gazette_parser.errors import ReadError

from .conftest import CQ_TXT, DATA

# ----------------------------------------------------------------------------------------------
# helpers: real text → Text (+ pages) → a marker-based clause tree

_LEVELS = [
    r"[一二三四五六七八九十]+、",
    r"[（(]\s*[一二三四五六七八九十]+\s*[）)]",
    r"\d+\s*[.．](?!\d)",
]


def _text(body: str, starts=()) -> model.Text:
    starts = tuple(starts) or (model.PageStart(offset=0, index=1, printed=None),)
    return model.Text(
        text=body,
        source_map=model.SourceMap(starts),
        info=model.SourceInfo(path=None, format="txt", sha256="", size=len(body.encode()), pages=max(len(starts), 1)),
    )


def load(name: str) -> model.Text:
    """A tests/data snippet as cleaned text: one line per paragraph line, pages from "\\fN"."""
    raw = (DATA / name).read_text(encoding="utf-8").split("\n")
    if raw and raw[0].startswith("# "):
        raw = raw[1:]
    chunks, printed = [[]], []
    for line in raw:
        if line.startswith("\f"):
            printed.append(int(line[1:]))
            chunks.append([])
        else:
            chunks[-1].append(line)
    body, starts = "", []
    for k, lines in enumerate(chunks):
        part = "".join(ln.strip() + "\n" for ln in lines if ln.strip())
        if not part:
            continue
        no = printed[k] if k < len(printed) else (printed[-1] + 1 if printed else None)
        starts.append(model.PageStart(offset=len(body), index=k + 1, printed=no))
        body += part
    return _text(body, starts)


def build(text: model.Text, start: int = 0, end=None) -> list[model.Clause]:
    s = text.text
    end = len(s) if end is None else end
    heads, pos = [], start
    for line in s[start:end].splitlines(keepends=True):
        for level, pat in enumerate(_LEVELS, 1):
            m = re.match(pat, line)
            if m:
                heads.append((pos, level, m.group(0).strip()))
                break
        pos += len(line)
    flat = []
    for k, (p, level, label) in enumerate(heads):
        q = heads[k + 1][0] if k + 1 < len(heads) else end
        body = s[p:q].rstrip()
        flat.append(model.Clause(label=label, level=level, path=[], heading=None, text=body,
                                 span=(p, p + len(body))))
    roots, stack = [], []
    for c in flat:
        while stack and stack[-1].level >= c.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(c)
        stack.append(c)
    return roots


def run(text: model.Text, start: int = 0, end=None, registry=None) -> model.Document:
    end = len(text.text) if end is None else end
    doc = model.Document(title="t", span=(start, end), clauses=build(text, start, end))
    return units.attach_units(text, doc, registry)


def noted(doc):
    return [c for c in model.walk(doc.clauses) if c.lead_units or c.responsible_units]


def names(refs):
    return [u.name for u in refs]


def canon(refs):
    return [u.canonical for u in refs]


def assert_spans_quote(text: model.Text, doc: model.Document):
    """Every span quotes the printed name (line breaks aside); an expanded name quotes its stem."""
    for c in model.walk(doc.clauses):
        for u in c.lead_units + c.responsible_units:
            printed = text.text[u.span[0]:u.span[1]].replace("\n", "").replace(" ", "")
            assert printed and u.name.replace(" ", "").startswith(printed), (printed, u.name)
            assert c.span[0] <= u.span[0] or u.inherited


# ----------------------------------------------------------------------------------------------
# the sample issue: 96 notes in 渝府发〔2022〕31号, none in 渝府办发〔2022〕81号


@pytest.fixture(scope="module")
def cq():
    s = CQ_TXT.read_text(encoding="utf-8")
    text = _text(s)
    start = s.index("渝府发〔2022〕31号\n", s.index("重庆市人民政府 关于印发"))
    end = s.index("重庆市人民政府办公厅关于 加强")
    return text, run(text, start, end), run(text, end, len(s))


def test_cq_every_note_found_and_mapped(cq):
    text, doc, doc2 = cq
    notes = noted(doc)
    assert len(notes) == text.text.count("牵头单位")  # 96, one per note
    for c in notes:
        assert c.lead_units and c.responsible_units
        for u in c.lead_units + c.responsible_units:
            assert u.known and not u.inherited and u.page is None  # a .txt has no page numbers
    assert not [w for w in doc.warnings if w.code == "unit-unknown"]
    assert noted(doc2) == []  # the second document has no notes
    assert_spans_quote(text, doc)


def test_cq_full_width_note_in_hexagonal_brackets_with_group_abbreviation(cq):
    text, doc, _ = cq
    c = next(c for c in noted(doc) if text.text[c.span[0]:].startswith("（一）坚持规划战略引领"))
    assert names(c.lead_units) == ["市规划自然资源局"]
    assert names(c.responsible_units) == [
        "市发展改革委", "各区县（自治县）政府", "两江新区管委会", "西部科学城重庆高新区管委会", "万盛经开区管委会",
    ]
    assert "等部门" in c.unit_flags
    # "两江新区" borrowed 管委会 from the last of its group; its span is the printed stem
    u = c.responsible_units[2]
    assert text.text[u.span[0]:u.span[1]] == "两江新区"


def test_cq_aliases_and_shared_suffix_families(cq):
    text, doc, _ = cq
    by_text = {text.text[c.span[0]:c.span[1]]: c for c in noted(doc)}
    c = next(c for t, c in by_text.items() if "牵头单位：市住房城乡建委、" in t and "TOD" in t)
    assert names(c.lead_units)[0] == "市住房城乡建委" and canon(c.lead_units)[0] == "市住房城乡建设委"
    assert canon(c.responsible_units) == ["市发展改革委", "各区县（自治县）政府"]
    c = next(c for t, c in by_text.items() if "渝东北、渝东南各区县政府" in t)
    assert names(c.responsible_units)[-2:] == ["渝东北各区县政府", "渝东南各区县政府"]
    c = next(c for t, c in by_text.items() if "牵头单位:两江新区、西部科学城重庆高新区、重庆经开区管委会" in t)
    assert names(c.lead_units) == ["两江新区管委会", "西部科学城重庆高新区管委会", "重庆经开区管委会", "相关区政府"]


def test_cq_note_alone_on_its_own_line_with_ascii_punctuation(cq):
    text, doc, _ = cq
    c = next(c for c in noted(doc) if text.text[c.span[0]:].startswith("3. 促进生态空间山清水秀"))
    note_line = text.text.index("(牵头单位：市规划自然资源局、市住房城乡建设委、市林业局", c.span[0])
    assert c.span[0] < note_line < c.span[1]
    assert names(c.lead_units) == ["市规划自然资源局", "市住房城乡建设委", "市林业局"]
    assert names(c.responsible_units) == ["市生态环境局", "市水利局", "市城市管理局", "各区县政府"]
    # ASCII : ; , throughout
    c = next(c for c in noted(doc) if "(牵头单位:市城市管理局;责任单位:市住房城乡建设委、市交通局、市文化旅游委等部门,各区县政府)"
             in text.text[c.span[0]:c.span[1]])
    assert names(c.responsible_units) == ["市住房城乡建设委", "市交通局", "市文化旅游委", "各区县政府"]


def test_cq_units_not_inherited_by_clauses_without_a_note(cq):
    text, doc, _ = cq
    for c in model.walk(doc.clauses):
        own = text.text[c.span[0]:c.span[1]]
        if "单位" not in own.replace("有关单位", ""):
            assert c.lead_units == [] and c.responsible_units == [], c.label


# ----------------------------------------------------------------------------------------------
# notes broken across lines, inside the keyword, and across a page (the sample as printed)


def test_pdf_text_note_broken_inside_keyword_and_across_page():
    text = load("units_cq_gazette_2022_14_pdf.txt")
    doc = run(text)
    notes = noted(doc)
    assert len(notes) == 5
    first = notes[0]  # 〔牵\n头单位：…各区县（自治县）政\n府和两江新区…（以下统称区县市政\n府）〕
    assert names(first.lead_units) == ["市规划自然资源局"]
    assert names(first.responsible_units)[1] == "各区县（自治县）政府"
    assert text.text[first.responsible_units[1].span[0]:first.responsible_units[1].span[1]] == "各区县（自治县）政\n府"
    last = notes[-1]  # （牵 | page 29 ends | 头单位：市住房城乡建设委、市水利局；…
    assert names(last.lead_units) == ["市住房城乡建设委", "市水利局"]
    assert [u.page for u in last.lead_units] == [30, 30]
    assert names(last.responsible_units) == [
        "市规划自然资源局", "市城市管理局", "中心城区各区政府", "两江新区管委会", "西部科学城重庆高新区管委会",
    ]
    assert_spans_quote(text, doc)


# ----------------------------------------------------------------------------------------------
# other note styles, other cities


def test_responsible_only_notes_beijing():
    text = load("units_bj_jingzhengbanfa_2025_12.txt")
    doc = run(text)
    notes = noted(doc)
    assert len(notes) == text.text.count("（责任单位：") == 19
    assert all(c.lead_units == [] for c in notes)
    assert names(notes[0].responsible_units) == ["市体育局", "各区政府", "北京经济技术开发区管委会"]
    # the bundled registry is Chongqing's: Beijing's own units are kept as printed and reported
    unknown = {w.message.split("：")[0] for w in doc.warnings if w.code == "unit-unknown"}
    assert any("北京经济技术开发区管委会" in m for m in unknown)
    first_unknown = [w for w in doc.warnings if w.code == "unit-unknown"]
    assert len({w.span for w in first_unknown}) == len(first_unknown)  # one per distinct name
    for w in first_unknown:
        assert w.span is not None and w.page_index == 1
    assert_spans_quote(text, doc)


def test_user_registry_maps_another_city(tmp_path):
    user = tmp_path / "bj_units.toml"
    user.write_text(
        '[[unit]]\ncanonical = "北京经开区管委会"\nfull = "北京经济技术开发区管理委员会"\n'
        'aliases = ["北京经济技术开发区管委会"]\n', encoding="utf-8")
    reg = units.load_registry(user)
    assert reg.lookup("北京经济技术开发区管委会") == "北京经开区管委会"
    assert reg.lookup("市住房城乡建委") == "市住房城乡建设委"  # the bundled entries are still there
    text = load("units_bj_jingzhengbanfa_2025_12.txt")
    doc = run(text, registry=reg)
    u = noted(doc)[0].responsible_units[-1]
    assert (u.name, u.canonical, u.known) == ("北京经济技术开发区管委会", "北京经开区管委会", True)
    assert not any("北京经济技术开发区管委会" in w.message for w in doc.warnings)


def test_bad_user_registry_is_a_read_error(tmp_path):
    with pytest.raises(ReadError):
        units.load_registry(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[unit]]\naliases = ['x']\n", encoding="utf-8")
    with pytest.raises(ReadError):
        units.load_registry(bad)
    bad.write_text("not toml = = =", encoding="utf-8")
    with pytest.raises(ReadError):
        units.load_registry(bad)


def test_gbk_page_county_units():
    text = load("units_hn_anhua_anzhengbanfa_2022_20.txt")
    doc = run(text)
    notes = noted(doc)
    assert len(notes) == 13
    assert names(notes[0].responsible_units) == ["县财政局", "县税务局", "县住建局"]
    assert names(notes[9].responsible_units) == ["县政府金融办", "人民银行安化县支行"]


def test_bare_note_line_without_brackets_fuzhou():
    text = load("units_fj_fuzhou_rongzhengban_2016_180.txt")
    doc = run(text)
    notes = noted(doc)
    assert len(notes) == 7
    assert names(notes[0].responsible_units) == ["市国土局", "市土地发展中心", "各县（市）人民政府"]
    # "马尾区、闽侯县人民政府": a shared suffix
    assert names(notes[1].responsible_units) == ["市国土局", "马尾区人民政府", "闽侯县人民政府"]
    # the prose line after the last note is not part of it
    assert names(notes[-1].responsible_units) == ["市委宣传部", "市房管局", "市国土局", "市房屋登记中心"]


def test_heading_note_applies_to_its_section_hangzhou():
    text = load("units_hz_hangzhenghan_2024_16.txt")
    doc = run(text)
    top = doc.clauses[0]  # 一、扩大有效投资政策（由市发改委牵头实施）
    assert names(top.lead_units) == ["市发改委"] and not top.lead_units[0].inherited
    assert top.responsible_units == []
    for child in top.children:
        assert names(child.lead_units) == ["市发改委"]
        assert child.lead_units[0].inherited
        assert child.lead_units[0].span == top.lead_units[0].span
    one = top.children[0]
    assert names(one.responsible_units) == ["市发改委"]
    # "（责\n任单位：市发改委）": broken inside the keyword
    six = top.children[5]
    assert "（责\n任单位" in text.text[six.span[0]:six.span[1]]
    assert names(six.responsible_units) == ["市发改委"]
    # the heading note on its own line, and one broken before 牵头实施
    five = next(c for c in doc.clauses if c.label == "五、")
    assert names(five.lead_units) == ["市交通运输局"]
    assert all(ch.lead_units[0].inherited and names(ch.lead_units) == ["市交通运输局"] for ch in five.children)
    six_top = next(c for c in doc.clauses if c.label == "六、")
    assert names(six_top.lead_units) == ["市商务局", "市投资促进局"]
    assert names(five.children[-1].responsible_units) == ["市交通运输局", "市财政局", "市农业农村局", "市邮政管理局"]
    assert [u.page for u in five.children[-1].responsible_units] == [21, 21, 21, 21]
    assert_spans_quote(text, doc)


def test_comma_rule_carried_by_xiatong_sichuan():
    text = load("units_sc_chuanbangui_2025_6.txt")  # ，。 printed as U+A3AC / U+A3AE
    doc = run(text)
    notes = noted(doc)
    first = notes[0]  # 〔责任单位:财政厅、团省委，人力资源社会保障厅…(逗号前为牵头单位，下同)〕
    assert names(first.lead_units) == ["财政厅", "团省委"]
    assert names(first.responsible_units) == ["人力资源社会保障厅", "人民银行四川省分行", "各市(州)人民政府"]
    assert "逗号前为牵头单位" in first.unit_flags and "下同" in first.unit_flags
    second = notes[1]  # (责任单位:财政厅，人力资源社会保障厅、人民银行四川省分行): the rule carried on
    assert names(second.lead_units) == ["财政厅"]
    own = [u for u in second.responsible_units if not u.inherited]
    assert names(own) == ["人力资源社会保障厅", "人民银行四川省分行"]
    # "以下均需各市(州)人民政府落实，不再列出": every later note gets it, marked inherited
    carried = [u for u in second.responsible_units if u.inherited]
    assert names(carried) == ["各市(州)人民政府"]
    last = notes[-1]
    assert names(last.lead_units) == ["财政厅", "省国资委", "四川证监局", "省委金融办"]
    assert names([u for u in last.responsible_units if not u.inherited]) == ["省发展改革委", "经济和信息化厅", "科技厅"]


def test_fuze_notes_state_council():
    text = load("units_gwy_guobanfa_2018_117.txt")
    doc = run(text)
    notes = noted(doc)
    assert len(notes) == text.text.count("负责）")
    first = notes[0]
    assert first.lead_units == [] and names(first.responsible_units) == ["市场监管总局"]
    # "（国家发展改革委会同有关部门负责）": lead 会同 others
    c = next(c for c in notes if "国家发展改革委、财政部会同有关部门负责" in text.text[c.span[0]:c.span[1]])
    assert names(c.lead_units) == ["国家发展改革委", "财政部"]
    assert canon(c.lead_units) == ["发展改革委", "财政部"]
    assert names(c.responsible_units) == ["有关部门"]
    assert "会同" in c.unit_flags


def test_deng_he_provinces_state_council():
    text = load("units_gwy_guobanfa_2018_129.txt")
    doc = run(text)
    notes = noted(doc)
    assert len(notes) == text.text.count("负责）")
    c = notes[1]  # （扶贫办、发展改革委、人力资源社会保障部、商务部等和各有关省级人民政府负责）
    assert names(c.responsible_units) == ["扶贫办", "发展改革委", "人力资源社会保障部", "商务部", "各有关省级人民政府"]
    assert "等" in c.unit_flags
    # 中央和国家机关工委 is one unit: "中央" alone does not read as a unit
    assert any("中央和国家机关工委" in names(c.responsible_units) for c in notes)


@pytest.mark.parametrize("name, rule", [
    ("units_gwy_guofa_2019_3.txt", "排在第一位的部门为牵头部门"),
    ("units_gwy_guofa_2018_42.txt", "列第一位者为牵头单位"),
])
def test_first_listed_rule_carried_by_xiatong(name, rule):
    text = load(name)
    doc = run(text)
    notes = noted(doc)
    assert len(notes) == text.text.count("负责）") + text.text.count("下同）")
    assert rule in notes[0].unit_flags
    for c in notes:
        note = re.findall(r"（([^（）]*?)(?:等有关部门|等)?(?:牵头)?负责[）。，]", text.text[c.span[0]:c.span[1]])[-1]
        listed = [u for u in re.split("[、]", note)]
        if "牵头负责" in text.text[c.span[0]:c.span[1]]:
            assert names(c.lead_units) == listed
        else:
            assert names(c.lead_units) == listed[:1]
            assert names(c.responsible_units) == listed[1:]


def test_the_same_input_gives_the_same_output():
    text = load("units_hz_hangzhenghan_2024_16.txt")
    assert run(text) == run(text)


def test_input_document_is_not_mutated():
    text = load("units_fj_fuzhou_rongzhengban_2016_180.txt")
    clauses = build(text)
    doc = model.Document(title="t", span=(0, len(text.text)), clauses=clauses)
    before = replace(doc)
    units.attach_units(text, doc, None)
    assert doc == before and all(c.responsible_units == [] for c in model.walk(doc.clauses))


def test_garbage_and_empty_input_do_not_raise():
    for body in ["", "（", "（责任单位：）", "（牵头单位：；责任单位：）\n", "〔〔〔责任单位", "(由牵头实施)"]:
        text = _text(body)
        clause = model.Clause(label="1.", level=1, path=[1], heading=None, text=body, span=(0, len(body)))
        doc = model.Document(title="t", span=(0, len(body)), clauses=[clause] if body else [])
        out = units.attach_units(text, doc, None)
        assert isinstance(out, model.Document)


def test_anzhize_fengong_fuze_notes_and_carried_units_beijing():
    text = load("units_bj_jingzhengbanfa_2025_13.txt")
    doc = run(text)
    notes = noted(doc)
    assert len(notes) == text.text.count("按职责分工负责")
    first = notes[0]  # （…各区政府、北京经济技术开发区管委会按职责分工负责。以下均需…落实，不再列出）
    assert names(first.responsible_units) == ["市卫生健康委", "市财政局", "北京市税务局", "各区政府", "北京经济技术开发区管委会"]
    assert first.unit_flags == ["按职责分工负责"] and first.lead_units == []
    for c in notes[1:]:
        assert "按职责分工负责" in c.unit_flags
        assert names([u for u in c.responsible_units if u.inherited]) == ["各区政府", "北京经济技术开发区管委会"]
    # "市计划生育协会和市托育联席会议其他成员单位": 和 between two units
    c = next(c for c in notes if "其他成员单位按职责分工负责" in text.text[c.span[0]:c.span[1]])
    assert names([u for u in c.responsible_units if not u.inherited])[-2:] == ["市计划生育协会", "市托育联席会议其他成员单位"]


def test_abbreviations_defined_by_the_documents_of_the_sample(cq):
    text, _, _ = cq
    s = text.text
    end = s.index("重庆市人民政府办公厅关于 加强")
    doc1 = model.Document(title="t", span=(s.index("渝府发〔2022〕31号\n", s.index("重庆市人民政府 关于印发")), end),
                          clauses=build(text, s.index("渝府发〔2022〕31号\n", s.index("重庆市人民政府 关于印发")), end))
    doc2 = model.Document(title="t", span=(end, len(s)), clauses=build(text, end, len(s)))
    # "…各区县（自治县）政府和两江新区、西部科学城重庆高新区、万盛经开区管委会（以下统称区县市政府）"
    ab1 = units.abbreviations(text, doc1)
    assert ab1 == {"区县市政府": ["各区县（自治县）政府", "两江新区管委会", "西部科学城重庆高新区管委会", "万盛经开区管委会"]}
    assert [c for c, _k in units.resolve_name("区县市政府", None, ab1)] == ab1["区县市政府"]
    # "每年评选3个区县(自治县,以下简称区县)": a name part, resolved inside longer names
    ab2 = units.abbreviations(text, doc2)
    assert ab2 == {"区县": ["区县（自治县）"]}
    reg = units.Registry()
    reg.add("各区县（自治县）政府")
    assert units.resolve_name("各区县政府", reg, ab2) == [("各区县（自治县）政府", True)]
    assert units.resolve_name("各区县政府", reg, {}) == [("各区县政府", False)]


from hypothesis import given, settings, strategies as st  # noqa: E402

_NOTE_ALPHABET = list("（）()〔〕[]【】：:；;，,、。\n 等和及牵头责任单位部门市局委区县政府管委会负责由实施下同列第一位的为逗号前") + ["\uA3AC", "\uA3AE"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_NOTE_ALPHABET), max_size=80).map("".join))
def test_any_text_gives_a_document_with_quoting_spans(body):
    text = _text(body)
    clause = model.Clause(label="1.", level=1, path=[1], heading=None, text=body, span=(0, len(body)))
    doc = model.Document(title="t", span=(0, len(body)), clauses=[clause] if body else [])
    out = units.attach_units(text, doc, None)
    for c in model.walk(out.clauses):
        for u in c.lead_units + c.responsible_units:
            assert 0 <= u.span[0] < u.span[1] <= len(body)
            assert u.name and u.canonical
    for w in out.warnings:
        assert w.code == "unit-unknown" and w.span is not None


def test_chongqing_entries_apply_only_to_chongqing_documents():
    text = load("units_hz_hangzhenghan_2024_16.txt")
    clauses = build(text)
    hz = model.Document(title="杭州市人民政府关于印发2024年杭州市进一步推动经济高质量发展若干政策的通知",
                        span=(0, len(text.text)), clauses=clauses, doc_number="杭政函〔2024〕16号",
                        issuers=["杭州市人民政府"])
    u = units.attach_units(text, hz, None).clauses[0].lead_units[0]
    # 杭州's, from the standard names (grammars/units_standard.toml), not 重庆's entry
    assert (u.name, u.canonical, u.known) == ("市发改委", "市发展改革委", True)
    hz_reg = units.load_registry().for_document(hz)
    assert hz_reg.lookup("重庆市发展和改革委员会") is None and hz_reg.lookup("市发展和改革委员会") == "市发展改革委"
    cq = replace(hz, title="重庆市人民政府关于…", doc_number="渝府发〔2022〕31号", issuers=["重庆市人民政府"])
    u = units.attach_units(text, cq, None).clauses[0].lead_units[0]
    assert (u.canonical, u.known) == ("市发展改革委", True)
    # national entries (region 国务院, not scoped) apply everywhere
    reg = units.load_registry().for_document(hz)
    assert reg.lookup("国家发展改革委") == "发展改革委" and reg.lookup("市住房城乡建委") is None


# ----------------------------------------------------------------------------------------------
# blind audit (2026-11-25): documents not used in tuning, and note styles no sample prints yet


def test_several_notes_inside_one_paragraph_state_council():
    """国办发〔2018〕121号: "…。（体育总局、公安部、应急部负责）支持金融机构…。（银保监会…负责）" — a
    note right after a finished sentence closes it even when the paragraph goes on; the clause
    gets the units of every note it holds (it used to get only the last note's)."""
    text = load("units_gwy_guobanfa_2018_121.txt")
    doc = run(text)
    clauses = [c for c in model.walk(doc.clauses) if c.level == 2]
    assert len(clauses) == 11
    for c in clauses:
        own = text.text[c.span[0]:c.span[1]]
        want = []
        for note in re.findall(r"（([^（）]*?)负责）", own):
            want += [u for u in note.split("、") if u not in want]
        assert names(c.responsible_units) == want, c.label
        assert c.lead_units == []
    c13 = next(c for c in clauses if c.label == "（十三）")
    assert names(c13.responsible_units) == ["体育总局", "教育部", "住房城乡建设部", "公安部", "应急部",
                                            "银保监会", "人民银行"]
    assert_spans_quote(text, doc)


def _redressed(name):
    """The notes of units_bj_jingzhengbanfa_2025_13.txt as printed, in order: [[units…], …]."""
    body = load("units_bj_jingzhengbanfa_2025_13.txt").text
    return [n.split("、") for n in re.findall(r"（([^（）]*?)按职责分工负责[。）]", body)]


@pytest.mark.parametrize("name", [
    # "[A，B，列第一位的为牵头单位，下同]" then "[A，B]"
    "units_redressed_first_listed_bj_jingzhengbanfa_2025_13.txt",
    # "（牵头责任单位：A；责任单位：B、C）"
    "units_redressed_qiantou_zeren_bj_jingzhengbanfa_2025_13.txt",
])
def test_redressed_note_styles_no_sample_prints_yet(name):
    """Real notes (京政办发〔2025〕13号) re-dressed in two styles issue 4 describes but no sample
    prints yet (the fixture says so in its first line): the first unit listed leads, the rest are
    responsible, whatever the dress."""
    text = load(name)
    doc = run(text)
    notes = noted(doc)
    printed = _redressed(name)
    assert len(notes) == len(printed) == 9
    for c, units_ in zip(notes, printed):
        units_ = [v for u in units_ for v in re.split(r"(?<=会)和", u)]
        assert names(c.lead_units) == units_[:1], c.label
        assert names([u for u in c.responsible_units if not u.inherited]) == units_[1:], c.label
    assert_spans_quote(text, doc)


def test_a_clause_view_is_the_slice_of_its_documents_loose_text():
    """_Loose of a clause cut from its document's equals one built from the text directly."""
    from gazette_parser.units import _Loose

    t = "一、市发展改革委 牵头，\n（一）各区县\u3000政府\t负责。\n二、 其他"
    whole = _Loose(t, 0, len(t))
    assert whole.s == "".join(ch for ch in t if ch not in " \n\u3000\t")
    for a in range(len(t)):
        for b in range(a, len(t) + 1):
            direct, view = _Loose(t, a, b), _Loose(t, a, b, whole)
            assert (view.s, list(view.idx)) == (direct.s, list(direct.idx))


# ----------------------------------------------------------------------------------------------
# issue 15: note styles of other provinces (the quotes are the issue's, from real documents)


def _doc(body: str, number: str, registry=None) -> model.Document:
    text = _text(body)
    d = model.Document(title="t", span=(0, len(body)), clauses=build(text), doc_number=number)
    return units.attach_units(text, d, registry)


def test_shared_prefix_distributes_like_a_shared_suffix_guangdong():
    doc = _doc("（一）做好就业工作。（责任单位：各地级以上市人民政府，省公安厅、发展改革委、住房城乡建设厅）\n",
               "粤办函〔2023〕1号")
    got = [(u.name, u.canonical, u.known) for u in doc.clauses[0].responsible_units]
    assert got == [("各地级以上市人民政府", "各地级以上市人民政府", False), ("省公安厅", "省公安厅", True),
                   ("发展改革委", "省发展改革委", True), ("住房城乡建设厅", "省住房城乡建设厅", True)]
    # a unit printed with its own place keeps it: no 省四川证监局
    doc = _doc("（一）做好。（责任单位：省委金融办、四川证监局、国家税务总局四川省税务局）\n", "川办规〔2025〕6号")
    assert canon(doc.clauses[0].responsible_units) == ["省委金融办", "四川证监局", "国家税务总局四川省税务局"]


def test_square_bracket_lists_without_role_words_and_a_rule_given_once_hangzhou():
    body = ("一、总体要求（列第一位的为牵头单位，下同）\n"
            "（一）发展群众体育。广泛开展全民健身活动。[市体育局、市民政局，各区、县（市）政府，市足协]\n"
            "（二）培养体育人才。支持高校开设体育专业。[市教育局、杭师大]\n")
    doc = _doc(body, "杭政办函〔2024〕3号")
    one, two = doc.clauses[0].children
    assert [(u.name, u.source) for u in one.lead_units] == [("市体育局", "rule carried on")]
    assert names(one.responsible_units) == ["市民政局", "各区、县（市）政府", "市足协"]
    assert [u.source for u in one.responsible_units] == ["note"] * 3
    assert names(two.lead_units) == ["市教育局"] and names(two.responsible_units) == ["杭师大"]
    assert not [w for w in doc.warnings if w.code == "note-unread"]


def test_collective_units_stay_one_unit():
    doc = _doc("（一）做好。（责任单位：市民政局，各区、县（市）政府，各区县（自治县）政府、有关区县政府）\n",
               "杭政办函〔2024〕3号")
    assert names(doc.clauses[0].responsible_units) == [
        "市民政局", "各区、县（市）政府", "各区县（自治县）政府", "有关区县政府"]


def test_prose_roles_when_a_clause_has_no_note():
    body = ("（一）建立协调机制。由市发展改革委牵头，建立工作专班。\n"
            "（二）完善就业服务。市教委会同市人力社保局负责指导高校做好就业服务。\n"
            "（三）落实属地责任。各区县政府负责落实。\n")
    one, two, three = _doc(body, "渝府办发〔2022〕9号").clauses
    assert [(u.canonical, u.source) for u in one.lead_units] == [("市发展改革委", "prose")]
    assert canon(two.lead_units) == ["市教委"] and canon(two.responsible_units) == ["市人力社保局"]
    assert [u.source for u in three.responsible_units] == ["prose"]
    assert names(three.responsible_units) == ["各区县政府"]


def test_abbreviation_the_text_defines_resolves_wherever_used():
    body = ("关于支持杭州师范大学（以下简称杭师大）发展的意见\n"
            "（一）做好。[市教育局、杭师大]\n")
    doc = _doc(body, "杭政办函〔2024〕3号")
    u = doc.clauses[0].responsible_units[-1]
    assert (u.name, u.canonical) == ("杭师大", "杭州师范大学")


def test_heading_note_source_is_marked_on_inherited_leads_hangzhou():
    text = load("units_hz_hangzhenghan_2024_16.txt")
    doc = run(text)
    top = doc.clauses[0]
    assert [u.source for u in top.lead_units] == ["note"]
    assert {u.source for c in top.children for u in c.lead_units} == {"heading note"}


def test_user_registry_from_the_readme_overrides_and_adds(tmp_path):
    """The README's own example entry, passed as --units, has an effect in a 杭州 document."""
    readme = (DATA.parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(\[\[unit\]\]\ncanonical = \"市发展改革委\".*?)```", readme, re.S).group(1)
    user = tmp_path / "my_units.toml"
    user.write_text(block, encoding="utf-8")
    reg = units.load_registry(user)
    body = "（一）做好。（责任单位：杭州市发展和改革委员会、市发改委）\n"
    doc = _doc(body, "杭政函〔2024〕16号", reg)
    assert [(u.canonical, u.known) for u in doc.clauses[0].responsible_units] == [
        ("市发展改革委", True), ("市发展改革委", True)]
    without = _doc(body, "杭政函〔2024〕16号")
    assert without.clauses[0].responsible_units[0].known is False  # the user's entry did it
    # the user's canonical wins over a bundled one for the same spelling; bundled aliases stay
    user.write_text('[[unit]]\ncanonical = "杭州市发改委"\naliases = ["市发改委"]\n', encoding="utf-8")
    reg = units.load_registry(user)
    assert reg.lookup("市发改委") == "杭州市发改委" and reg.lookup("市住房城乡建委") == "市住房城乡建设委"
