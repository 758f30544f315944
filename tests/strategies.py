"""Hypothesis strategies for the text pipeline: gazette-like text made of real pieces and noise."""

from __future__ import annotations

from hypothesis import strategies as st

from .conftest import CQ_TXT

_REAL_LINES = [l for l in CQ_TXT.read_text(encoding="utf-8").splitlines() if l.strip()]
_SHORT_REAL = [l[:120] for l in _REAL_LINES]

MARKERS = ["一、", "二、", "十、", "（一）", "(二)", "( 三)", "1.", "2．", "3、", "（1）", "(2)", "①", "②",
           "第一章", "第二条", "第三节", "——", "附件", "渝府发〔2022〕31号", "国发〔2019〕4号",
           "（牵头单位：市发展改革委；责任单位：市财政局等部门，各区县政府）", "（责任单位：",
           "到2025年，", "不低于43%", "达到1亿平方米", "2500万—4500万元", "2022年6月25日",
           "二〇二二年六月二十五日", "重庆市人民政府", "关于印发", "的通知", "各区县（自治县）人民政府：",
           "目 录", "…………", "(1)", "— 3 —", "主管单位：", "\n", "\n\n", "。", "，", "：", "；"]

_noise = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
)

piece = st.one_of(st.sampled_from(MARKERS), st.sampled_from(_SHORT_REAL), _noise)

gazette_like_text = st.lists(piece, min_size=0, max_size=40).map("".join)

any_text = st.one_of(gazette_like_text, st.text(max_size=300))
