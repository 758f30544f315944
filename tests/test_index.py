"""index + query: parsed outputs → SQLite (FTS5 trigram) → rows (issue 9).

Two kinds of checks: exact ones on a small hand-made JSON (tests/data/index/small_issue.json),
and behavioural ones on the sample issue, whose expectations are computed from the JSON that
``gazette_parser.parse`` produces at test time (so they follow the stages as they improve).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from collections import Counter

import pytest
from click.testing import CliRunner

import gazette_parser
from gazette_parser.cli import main
from gazette_parser.index import IndexFailure, index_paths, open_index, trigram_supported
from gazette_parser.query import Query, run_query

from .conftest import CQ_TXT, DATA

SMALL = DATA / "index" / "small_issue.json"

pytestmark = pytest.mark.skipif(not trigram_supported(), reason="SQLite without the FTS5 trigram tokenizer")


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture()
def small_db(tmp_path):
    db = tmp_path / "g.db"
    r = _invoke("index", SMALL, "--db", db)
    assert r.exit_code == 0, r.output
    return db


def _q(db, **kw):
    return run_query(db, Query(**kw))


def _keys(rows):
    return sorted((r["doc_number"], r["path"]) for r in rows)


# ----------------------------------------------------------------------------------------------
# exact checks on the hand-made issue


def test_schema_counts_and_foreign_keys(small_db):
    con = sqlite3.connect(small_db)
    assert stats_of(con) == {"issues": 1, "documents": 2, "clauses": 4, "units": 5, "targets": 4}
    fks = {(r[2], r[3]) for t in ("documents", "clauses", "units", "targets")
           for r in con.execute(f"PRAGMA foreign_key_list({t})")}
    assert {("issues", "issue_id"), ("documents", "document_id"), ("clauses", "clause_id")} <= fks
    # nested clause points at its parent; labels run from the top
    row = con.execute("SELECT c.labels, p.label FROM clauses c JOIN clauses p ON p.id = c.parent_id").fetchone()
    assert row == ("一、（一）", "一、")
    # values are exact decimal text, never float
    values = [r[0] for r in con.execute("SELECT value FROM targets ORDER BY id")]
    assert values == ["35", "5000", "12.50", "10"]
    assert con.execute("SELECT value_max FROM targets WHERE comparator='range'").fetchone() == ("20",)
    assert con.execute("SELECT typeof(value) FROM targets LIMIT 1").fetchone() == ("text",)


def stats_of(con):
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("issues", "documents", "clauses", "units", "targets")}


def test_reindexing_replaces_never_duplicates(small_db, tmp_path):
    con = sqlite3.connect(small_db)
    before = stats_of(con)
    con.close()
    assert _invoke("index", SMALL, "--db", small_db).exit_code == 0
    con = sqlite3.connect(small_db)
    assert stats_of(con) == before
    assert con.execute("SELECT count(*) FROM clauses_fts").fetchone()[0] == before["clauses"]
    con.close()
    # the same source parsed again (say by a newer parser): its rows are replaced
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    data["documents"] = data["documents"][:1]
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert _invoke("index", newer, "--db", small_db).exit_code == 0
    con = sqlite3.connect(small_db)
    assert stats_of(con)["documents"] == 1 and stats_of(con)["issues"] == 1
    # the FTS index followed the cascade: the deleted clause is no longer found
    assert con.execute("SELECT count(*) FROM clauses_fts WHERE clauses_fts MATCH '规范分类'").fetchone()[0] == 0
    assert _q(small_db, text="规范分类") == []


def test_unit_filters_match_canonical_and_aliases(small_db):
    lead = _q(small_db, lead="市城市管理局")
    assert _keys(lead) == [("渝府办发〔2023〕7号", "1"), ("渝府办发〔2023〕7号", "1.1")]
    assert _keys(_q(small_db, lead="市城管局")) == _keys(lead)  # alias seen in the data
    assert _keys(_q(small_db, responsible="市城市管理局")) == [("渝府办发〔2023〕7号", "2")]
    assert _keys(_q(small_db, unit="市城市管理局")) == [("渝府办发〔2023〕7号", p) for p in ("1", "1.1", "2")]
    assert _q(small_db, lead="市财政局") == []
    reg = gazette_parser.index.load_unit_registry()
    if reg is not None and getattr(reg, "lookup", None) and reg.lookup("重庆市城市管理局") == "市城市管理局":
        # the official full name, from the registry (not printed in the data at all)
        assert _keys(_q(small_db, lead="重庆市城市管理局")) == _keys(lead)
        assert _keys(_q(small_db, lead="重庆市 城市管理局")) == _keys(lead)  # spaces ignored


def test_text_search_trigram_and_short_terms(small_db):
    assert _keys(_q(small_db, text="老旧小区")) == [("渝府办发〔2023〕7号", "2")]
    assert _keys(_q(small_db, text="垃圾分类")) == [("渝府办发〔2023〕7号", "1")]
    # two characters: below the trigram size, answered by a substring scan
    assert _keys(_q(small_db, text="分类")) == [("渝府办发〔2023〕7号", "1"), ("渝府办发〔2023〕7号", "1.1"),
                                               ("渝府发〔2022〕31号", "1")]
    assert _keys(_q(small_db, text="设施")) == [("渝府办发〔2023〕7号", "1.1")]
    # terms combine; headings are searched as well as text
    assert _keys(_q(small_db, text="分类 投放点")) == [("渝府办发〔2023〕7号", "1.1")]
    assert _keys(_q(small_db, text="完善设施")) == [("渝府办发〔2023〕7号", "1.1")]
    assert _q(small_db, text="不存在的词语") == []
    # FTS syntax in the input is text, not an operator
    assert _q(small_db, text='"垃圾 OR') == []
    row = _q(small_db, text="老旧小区")[0]
    assert "老旧小区" in row["snippet"] and row["heading"] == "改造老旧小区" and row["page"] == 2


def test_other_filters_combine(small_db):
    assert {r["doc_number"] for r in _q(small_db, doc_number="渝府办发")} == {"渝府办发〔2023〕7号"}
    assert {r["doc_number"] for r in _q(small_db, doc_number="渝府发〔2022〕31号")} == {"渝府发〔2022〕31号"}
    assert {r["doc_number"] for r in _q(small_db, doc_number="渝府发[2022]31号")} == {"渝府发〔2022〕31号"}
    assert {r["doc_number"] for r in _q(small_db, doc_number="渝府发")} == {"渝府发〔2022〕31号"}
    assert {r["doc_number"] for r in _q(small_db, issuer="重庆市财政局")} == {"渝府发〔2022〕31号"}
    assert {r["doc_number"] for r in _q(small_db, issuer="办公厅")} == {"渝府办发〔2023〕7号"}
    # dates: the document's own date, else the issue's publish date (2023-03-15 for 渝府发〔2022〕31号)
    assert {r["doc_number"] for r in _q(small_db, date_from="2023-02", date_to="2023-02")} == {"渝府办发〔2023〕7号"}
    assert {r["doc_number"] for r in _q(small_db, date_from="2023-03-01")} == {"渝府发〔2022〕31号"}
    assert _q(small_db, date_to="2022") == []
    # combined: AND
    assert _keys(_q(small_db, text="分类", lead="市城市管理局", doc_number="渝府办发")) == [
        ("渝府办发〔2023〕7号", "1"), ("渝府办发〔2023〕7号", "1.1")]
    assert _q(small_db, text="分类", issuer="重庆市财政局", lead="市城市管理局") == []


def test_year_target_lists_targets(small_db):
    rows = _q(small_db, year_target=2025)
    assert [(r["path"], r["indicator"], r["value"], r["unit"], r["year"]) for r in rows] == [
        ("1", "生活垃圾回收利用率", "35", "%", 2025), ("2", "改造率", "12.50", "%", 2025)]
    assert [(r["value"], r["value_max"]) for r in _q(small_db, year_target=2023)] == [("10", "20")]
    assert _q(small_db, year_target=2030) == []


def test_cli_formats_table_json_csv(small_db):
    r = _invoke("query", "--db", small_db, "--lead", "市城管局")
    assert r.exit_code == 0 and "文号" in r.output and "推进垃圾分类" in r.output and "(2 rows)" in r.output
    r = _invoke("query", "--db", small_db, "--year-target", "2025", "--format", "json")
    data = json.loads(r.output)
    assert [d["value"] for d in data] == ["35", "12.50"] and data[0]["doc_number"] == "渝府办发〔2023〕7号"
    # --substring: unranked substring scan, in document order (word search ranks by bm25 instead)
    r = _invoke("query", "--db", small_db, "--text", "分类", "--substring", "--format", "csv",
                "--columns", "doc_number,path,page")
    assert list(csv.reader(io.StringIO(r.output))) == [
        ["doc_number", "path", "page"], ["渝府办发〔2023〕7号", "1", "1"], ["渝府办发〔2023〕7号", "1.1", "1"],
        ["渝府发〔2022〕31号", "1", "2"]]


def test_bad_queries_are_one_line_errors(small_db, tmp_path):
    cases = {
        ("--columns", "doc_number,nope"): "unknown column 'nope'",
        ("--columns", "value"): "target columns need --year-target",
        ("--from", "2023-13-01"): "malformed date",
        ("--from", "last week"): "malformed date",
        ("--from", "2023-02-30"): "not a calendar date",
        ("--from", "2024", "--to", "2023"): "is after",
        ("--text", "  "): "--text is empty",
        ("--limit", "-1"): "--limit",
    }
    for args, message in cases.items():
        r = _invoke("query", "--db", small_db, *args)
        assert r.exit_code == 2, (args, r.output)
        assert message in r.output and r.output.count("\n") == 1 and "Traceback" not in r.output
    r = _invoke("query", "--db", small_db, "--year-target", "soon")
    assert r.exit_code == 2 and "Traceback" not in r.output
    # databases that are not ours
    random_file = tmp_path / "random.db"
    random_file.write_bytes(bytes(range(256)) * 64)
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE people (name TEXT)")
    con.commit()
    con.close()
    for db, message in ((random_file, "is not a gazette-parser index"), (other, "is not a gazette-parser index"),
                        (tmp_path / "missing.db", "no such database")):
        r = _invoke("query", "--db", db, "--text", "分类")
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "missing.db").exists()  # a query never creates a database
    r = _invoke("index", SMALL, "--db", other)
    assert r.exit_code == 2 and "is not a gazette-parser index" in r.output


def test_index_reports_bad_inputs_and_goes_on(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": "1.0", "docu', encoding="utf-8")
    db = tmp_path / "g.db"
    r = _invoke("index", bad, broken, SMALL, "--db", db)
    assert r.exit_code == 1
    assert "bad.json: not a gazette-parser JSON output" in r.output
    assert "broken.json: not valid JSON" in r.output
    assert "indexed 1 file(s), failed 2" in r.output
    with pytest.raises(IndexFailure):
        open_index(tmp_path / "nope" / "x.db", create=False)


def test_datasette_detects_the_fts_table(small_db):
    # the detection query Datasette runs (datasette.utils.detect_fts_sql) for the clauses table
    con = sqlite3.connect(small_db)
    rows = con.execute("""select name from sqlite_master where rootpage = 0 and (
        sql like '%VIRTUAL TABLE%USING FTS%content="clauses"%' or (tbl_name = 'clauses'
        and sql like '%VIRTUAL TABLE%USING FTS%'))""").fetchall()
    assert rows == [("clauses_fts",)]
    # and the search Datasette issues (terms quoted) finds Chinese
    hits = con.execute("select rowid from clauses_fts where clauses_fts match ?", ('"老旧小区"',)).fetchall()
    assert len(hits) == 1


# ----------------------------------------------------------------------------------------------
# behaviour on the sample issue (expectations computed from its parsed JSON)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    d = tmp_path_factory.mktemp("sample")
    issue = gazette_parser.parse(CQ_TXT)
    out = d / "cq.json"
    out.write_text(gazette_parser.to_json(issue), encoding="utf-8")
    db = d / "g.db"
    con = open_index(db)
    assert index_paths(con, [str(out)]) == (1, 0)
    con.close()
    return db, json.loads(out.read_text(encoding="utf-8"))


def _clauses(data):
    def walk(cs):
        for c in cs:
            yield c
            yield from walk(c.get("children") or [])

    for doc in data["documents"]:
        for c in walk(doc["clauses"]):
            yield doc, c


def _key(doc, c):
    return doc["doc_number"], ".".join(str(p) for p in c["path"]), c["heading"]


def _names_for(unit, every):
    """What a unit filter stands for, as documented: the name itself, what the unit registry
    resolves it to, and the canonical names the data gives that printed name."""
    names = {unit}
    reg = gazette_parser.index.load_unit_registry()
    if reg is not None and getattr(reg, "lookup", None) and reg.lookup(unit):
        names.add(reg.lookup(unit))
    names |= {u["canonical"] for _d, c in every for u in c["lead_units"] + c["responsible_units"]
              if u["name"] == unit}
    return names


def test_sample_lead_units_come_back_exactly(sample):
    db, data = sample
    leads = Counter()
    for doc, c in _clauses(data):
        for u in c["lead_units"]:
            leads[u["canonical"]] += 1
    assert leads["市城市管理局"] > 0, "the sample has clauses led by 市城市管理局"
    every = list(_clauses(data))
    for unit in sorted(leads):
        names = _names_for(unit, every)
        expected = Counter(_key(d, c) for d, c in every if any(u["canonical"] in names for u in c["lead_units"]))
        got = Counter((r["doc_number"], r["path"], r["heading"]) for r in _q(db, lead=unit))
        assert got == expected, unit


def test_sample_text_query_finds_every_mention(sample):
    db, data = sample
    for term in ("老旧小区", "垃圾分类", "城市更新", "公园", "融资"):
        expected = Counter(_key(d, c) for d, c in _clauses(data)
                           if term in (c["heading"] or "") or term in (c["text"] or ""))
        got = Counter((r["doc_number"], r["path"], r["heading"]) for r in _q(db, text=term, substring=True))
        assert got == expected, term
    assert _q(db, text="老旧小区"), "the sample mentions 老旧小区"


def test_sample_year_target_and_csv_in_pandas(sample, tmp_path):
    db, data = sample
    expected = sorted((t["text"], str(t["value"])) for _d, c in _clauses(data) for t in c["targets"]
                      if t["year"] == 2025)
    rows = _q(db, year_target=2025)
    assert sorted((r["target"], r["value"]) for r in rows) == expected and expected
    pd = pytest.importorskip("pandas")
    r = _invoke("query", "--db", db, "--year-target", "2025", "--format", "csv")
    assert r.exit_code == 0
    frame = pd.read_csv(io.StringIO(r.output), dtype={"value": str})
    assert len(frame) == len(expected)
    assert {"doc_number", "path", "heading", "page", "indicator", "value", "unit", "year"} <= set(frame.columns)
    assert sorted(frame["value"]) == sorted(v for _t, v in expected)


def test_index_parses_sources_directly(tmp_path):
    src = tmp_path / CQ_TXT.name
    shutil.copy(CQ_TXT, src)
    db = tmp_path / "g.db"
    r = _invoke("index", src, "--db", db)
    assert r.exit_code == 0, r.output
    con = sqlite3.connect(db)
    n_docs = len(gazette_parser.parse(CQ_TXT).documents)
    assert stats_of(con)["documents"] == n_docs


def test_several_samples_in_one_index(tmp_path):
    """The sample plus other real documents: filters still return exactly the matching clauses."""
    outs = tmp_path / "outs"
    outs.mkdir()
    datas = []
    for src in (CQ_TXT, DATA / "sc_chuanbangui_2025_6.pdf", DATA / "bj_jingzhengbanfa_2025_12.html",
                DATA / "gwy_guobanfa_2018_117.html"):
        try:
            issue = gazette_parser.parse(src, ocr="never")
        except gazette_parser.GazetteError:
            continue  # a reader not written yet: the others still make the point
        (outs / (src.name + ".json")).write_text(gazette_parser.to_json(issue), encoding="utf-8")
        datas.append(json.loads(gazette_parser.to_json(issue)))
    assert len(datas) >= 2
    db = tmp_path / "g.db"
    r = _invoke("index", outs, "--db", db)
    assert r.exit_code == 0, r.output
    assert f"indexed {len(datas)} file(s)" in r.output
    every = [(d, c) for data in datas for d, c in _clauses(data)]
    units = sorted({u["canonical"] for _d, c in every for u in c["lead_units"] + c["responsible_units"]})
    assert units
    for unit in units:
        names = _names_for(unit, every)
        for role, field_ in (("lead", "lead_units"), ("responsible", "responsible_units")):
            expected = Counter(_key(d, c) for d, c in every if any(u["canonical"] in names for u in c[field_]))
            got = Counter((r["doc_number"], r["path"], r["heading"]) for r in _q(db, **{role: unit}))
            assert got == expected, (role, unit)
    for doc in {d["doc_number"] for d, _c in every if d["doc_number"]}:
        expected = Counter(_key(d, c) for d, c in every if d["doc_number"] == doc)
        assert Counter((r["doc_number"], r["path"], r["heading"]) for r in _q(db, doc_number=doc)) == expected


def test_table_stops_at_the_limit_and_says_how_many_more(small_db):
    r = _invoke("query", "--db", small_db, "--lead", "市城管局", "--limit", "1")
    assert r.exit_code == 0 and r.output.rstrip().endswith("(1 row shown, 1 more: --limit N shows N, --limit 0 all)")
    assert r.output.count("渝府办发") == 1
    r = _invoke("query", "--db", small_db, "--lead", "市城管局", "--limit", "0")
    assert r.exit_code == 0 and r.output.rstrip().endswith("(2 rows)") and r.output.count("渝府办发") == 2


def test_streamed_table_keeps_the_first_blocks_widths():
    """Rows after the first block are cut to the widths measured on it, so the columns stay aligned."""
    from gazette_parser.query import _BLOCK, table_lines

    rows = [{"heading": "短"} for _ in range(_BLOCK)] + [{"heading": "很长的一个标题" * 3}]
    lines = list(table_lines(iter(rows), ["heading"], more=lambda shown: 7))
    assert len(lines) == 2 + _BLOCK + 2 and lines[-1] == f"({_BLOCK + 1} rows shown, 7 more: --limit N shows N, --limit 0 all)"
    assert lines[-2] == "很长的…"  # the header's 7 columns: three wide characters and the ellipsis
