"""Word search (jieba), the citation and amendment graph, and Datasette (issue 17).

Word-search expectations are computed from jieba's own segmentation of each clause at test time
(a word is found exactly where segmentation yields it); citation expectations are written by hand
from reading the documents (tests/data/graph/ holds the four law texts copied for it).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
import urllib.request
from collections import Counter

import pytest
from click.testing import CliRunner

import gazette_parser
from gazette_parser.cli import main
from gazette_parser.graph import find_citations, key_of
from gazette_parser.index import index_paths, open_index, trigram_supported
from gazette_parser.query import Query, run_query

from .conftest import CQ_TXT, DATA, ROOT, walk_json

pytestmark = pytest.mark.skipif(not trigram_supported(), reason="SQLite without the FTS5 trigram tokenizer")

GRAPH = DATA / "graph"
SMALL = DATA / "index" / "small_issue.json"


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    d = tmp_path_factory.mktemp("research")
    out = d / "cq.json"
    out.write_text(gazette_parser.to_json(gazette_parser.parse(CQ_TXT)), encoding="utf-8")
    db = d / "g.db"
    con = open_index(db)
    assert index_paths(con, [str(out)]) == (1, 0)
    con.close()
    return db, json.loads(out.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------------------------
# words


def test_registry_names_and_gazette_words_stay_one_token():
    from gazette_parser.words import cut, segment, user_words

    assert cut("由市住房城乡建委牵头，市发展改革委配合") == ["由", "市住房城乡建委", "牵头", "，", "市发展改革委", "配合"]
    assert "市住房城乡建委" in segment("由市住房城乡建委牵头").split()
    words = user_words()
    assert {"市住房城乡建委", "重庆市住房和城乡建设委员会", "通知", "实施方案", "第三条", "第十二章"} <= set(words)
    assert "第三条" in cut("依照第三条规定")


def test_segmenting_sentence_by_sentence_gives_the_whole_texts_tokens(sample):
    """segment() cuts at 。；！？ and line ends and caches each sentence: same tokens as one jieba pass."""
    from gazette_parser.words import _segment_piece, segment, tokenizer

    _, data = sample
    texts = [c.get("text") or "" for d in data["documents"] for c in walk_json(d["clauses"])]
    texts.append("第一条　总则。\n第二条　适用范围；其他！问号？ 末尾 abc2022年 ")
    for text in texts:
        whole = " ".join(t for t in tokenizer().cut_for_search(text, HMM=True) if t.strip())
        assert segment(text) == whole, text[:40]
    before = _segment_piece.cache_info().hits
    segment("现将《实施方案》印发给你们，请认真贯彻执行。现将《实施方案》印发给你们，请认真贯彻执行。")
    assert _segment_piece.cache_info().hits > before


def test_jieba_loads_lazily_and_caches_in_the_user_cache_dir(tmp_path):
    code = ("import sys, gazette_parser, gazette_parser.index, gazette_parser.query, gazette_parser.graph\n"
            "assert 'jieba' not in sys.modules, 'jieba imported before use'\n"
            "from gazette_parser.words import segment\n"
            "print(segment('促进就业'))\n")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    work = tmp_path / "cwd"
    work.mkdir()
    r = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["促进", "就业"]
    assert r.stderr == "", "jieba logs nothing"
    assert list(work.iterdir()) == []
    assert any((tmp_path / "cache" / "gazette-parser").glob("jieba*.cache"))


def test_two_character_word_finds_every_clause_with_it_as_a_word_ranked(sample):
    from gazette_parser.words import segment

    db, data = sample
    con = sqlite3.connect(db)
    for term in ("就业", "住房", "融资", "公园", "养老"):
        expected = Counter((d["doc_number"], ".".join(map(str, c["path"])))
                           for d in data["documents"] for c in walk_json(d["clauses"])
                           if term in segment(c["heading"]).split() or term in segment(c["text"]).split())
        assert expected, term
        rows = run_query(db, Query(text=term))
        assert Counter((r["doc_number"], r["path"]) for r in rows) == expected, term
        ranks = dict(con.execute("SELECT rowid, bm25(clauses_words) FROM clauses_words WHERE clauses_words MATCH ?",
                                 (f'"{term}"',)).fetchall())
        got = [ranks[r["clause_id"]] for r in rows]
        assert got == sorted(got), f"{term}: rows not in bm25 order"


def test_ranked_search_with_limit_is_the_head_of_the_full_list(tmp_path, sample):
    # the same clause text in two issues ties on bm25: --limit must still cut the full list
    db, data = sample
    twin = json.loads(json.dumps(data))
    twin["source"]["sha256"] = "e" * 64
    (tmp_path / "twin.json").write_text(json.dumps(twin, ensure_ascii=False), encoding="utf-8")
    import shutil

    shutil.copy(db, tmp_path / "both.db")
    con = open_index(tmp_path / "both.db")
    index_paths(con, [str(tmp_path / "twin.json")])
    con.close()
    for term in ("住房", "老旧小区", "城市更新"):
        full = [r["clause_id"] for r in run_query(tmp_path / "both.db", Query(text=term))]
        assert len(full) > 6, term
        for n in (1, 3, 6):
            assert [r["clause_id"] for r in run_query(tmp_path / "both.db", Query(text=term, limit=n))] == full[:n]


def test_word_search_skips_a_word_split_across_two_words(sample):
    # 金融资源 is 金融/资源: it holds the characters 融资 but not the word; --substring finds it
    db, data = sample
    words = [r["clause_id"] for r in run_query(db, Query(text="融资"))]
    subs = run_query(db, Query(text="融资", substring=True))
    extra = [r for r in subs if r["clause_id"] not in words]
    assert extra and all("金融资" in (r["snippet"] or "") for r in extra)


def test_non_words_fall_back_to_substrings(small_db_words):
    db = small_db_words
    # 投放点 is not one dictionary word: trigram substring; 改造率 likewise
    assert [r["path"] for r in run_query(db, Query(text="投放点"))] == ["1.1"]
    assert [r["path"] for r in run_query(db, Query(text="造率"))] == ["2"]  # 2 characters, not a word: scan
    assert [r["path"] for r in run_query(db, Query(text="分类 投放点"))] == ["1.1"]


@pytest.fixture()
def small_db_words(tmp_path):
    db = tmp_path / "g.db"
    r = _invoke("index", SMALL, "--db", db)
    assert r.exit_code == 0, r.output
    return db


def test_index_without_word_tables_is_backfilled_when_opened(small_db_words):
    db = small_db_words
    con = sqlite3.connect(db)
    con.executescript("DROP TABLE clauses_words; DROP TABLE citations; DROP TABLE document_keys;")
    con.close()
    # read-only: still searchable, by substring
    assert [r["path"] for r in run_query(db, Query(text="分类"))] == ["1", "1.1", "1"]
    open_index(db).close()  # writable open adds and fills the tables
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM clauses_words").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM document_keys").fetchone()[0] > 0


def test_reindexing_keeps_word_table_in_step(small_db_words):
    db = small_db_words
    assert _invoke("index", SMALL, "--db", db).exit_code == 0
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM clauses_words").fetchone()[0] == \
        con.execute("SELECT count(*) FROM clauses").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM clauses_words WHERE rowid NOT IN (SELECT id FROM clauses)"
                       ).fetchone()[0] == 0


# ----------------------------------------------------------------------------------------------
# citations


def test_citation_kinds_and_keys():
    cits = find_citations("根据《国务院关于印发扎实稳住经济一揽子政策措施的通知》（国发〔2022〕12号）和"
                          "中华人民共和国国务院令第142号，参照渝府发[2021]3号")
    assert [(c.kind, c.key) for c in cits] == [
        ("title", "国务院关于印发扎实稳住经济一揽子政策措施的通知"), ("doc_number", "国发〔2022〕12号"),
        ("order", "国务院令第142号"), ("doc_number", "渝府发〔2021〕3号")]
    assert key_of("国务院令第142号") == key_of("中华人民共和国国务院令第 142 号")
    assert key_of("《重庆市城市更新提升“十四五”行动计划》") == key_of("重庆市城市更新提升\"十四五\"行动计划")
    assert key_of("渝府发（２０２２）３１号") == ("doc_number", "渝府发〔2022〕31号")


# Read by hand: the citations among these documents whose target is one of them.
RESOLVED = sorted([
    ("国务院关于外商投资企业和外国企业适用增值税、消费税、营业税等税收暂行条例有关问题的通知",
     "《中华人民共和国消费税暂行条例》", "中华人民共和国消费税暂行条例"),
    ("河南省实施《中华人民共和国文物保护法》办法",
     "《中华人民共和国文物保护法实施条例》", "中华人民共和国文物保护法实施条例"),
])
CORPUS_HTML = ["bj_jingzhengbanfa_2025_12.html", "bj_jingzhengbanfa_2025_13.html", "gwy_guobanfa_2018_117.html",
               "gwy_guobanfa_2018_121.html", "gwy_guoling_707.html", "gz_suifubangui_2024_13.html",
               "gz_suifubangui_2025_8.html", "gz_suiweihan_2023_1930.html"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    db = tmp_path_factory.mktemp("corpus") / "gazettes.db"
    files = [CQ_TXT, *sorted(GRAPH.glob("*.txt")), *(DATA / f for f in CORPUS_HTML)]
    r = _invoke("index", *files, "--db", db)
    assert r.exit_code == 0, r.output
    return db


def _loose(s):
    return "".join(ch for ch in s if ch.isalnum())


def test_every_citation_whose_target_is_indexed_resolves(corpus):
    con = sqlite3.connect(corpus)
    got = sorted(con.execute(
        "SELECT d.title, x.printed, t.title FROM citations x JOIN documents d ON d.id = x.document_id "
        "JOIN documents t ON t.id = x.target_document_id").fetchall())
    assert got == RESOLVED
    # and no unresolved citation names an indexed document (by a looser comparison than the keys)
    names = {_loose(n) for row in con.execute("SELECT doc_number, title FROM documents") for n in row if n}
    for printed, key in con.execute("SELECT printed, key FROM citations WHERE target_document_id IS NULL"):
        assert _loose(key) not in names and _loose(printed) not in names, printed
    assert con.execute("SELECT count(*) FROM citations WHERE target_document_id IS NULL").fetchone()[0] > 20


def test_sample_citations_are_recorded_with_clause_and_span(corpus):
    con = sqlite3.connect(corpus)
    rows = con.execute("SELECT x.printed, x.kind, c.text, x.span_start, x.span_end FROM citations x "
                       "JOIN clauses c ON c.id = x.clause_id JOIN documents d ON d.id = x.document_id "
                       "WHERE d.doc_number = '渝府发〔2022〕31号'").fetchall()
    assert [(r[0], r[1]) for r in rows] == [("《成渝地区双城经济圈多层次轨道交通规划》", "title")]
    assert all(r[2][r[3]:r[4]] == r[0] for r in rows)
    # 81号 cites 国发〔2022〕12号 in its preamble, outside the clauses: a document-level edge
    assert con.execute("SELECT count(*) FROM citations x JOIN documents d ON d.id = x.document_id WHERE "
                       "d.doc_number = '渝府办发〔2022〕81号' AND x.key = '国发〔2022〕12号' AND x.clause_id IS NULL"
                       ).fetchone()[0] == 1


def test_query_cites_and_cited_by(corpus):
    r = _invoke("query", "--db", corpus, "--cites", "中华人民共和国消费税暂行条例", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [(x["from_title"][:9], x["to_title"], x["resolved"]) for x in rows] == [
        ("国务院关于外商投资", "中华人民共和国消费税暂行条例", True)]
    r = _invoke("query", "--db", corpus, "--cited-by", "渝府办发[2022]81号", "--format", "json")
    assert sorted(x["key"] for x in json.loads(r.output)) == ["国发〔2022〕12号", "银发〔2021〕312号"]
    r = _invoke("query", "--db", corpus, "--cites", "国发〔2022〕12号")
    assert r.exit_code == 0 and "渝府办发〔2022〕81号" in r.output and "(1 row)" in r.output


def test_graph_exports_load_in_networkx(corpus, tmp_path):
    import networkx as nx  # the test extra
    con = sqlite3.connect(corpus)
    n_cit = con.execute("SELECT count(*) FROM citations").fetchone()[0]
    n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    n_keys = con.execute("SELECT count(DISTINCT key) FROM citations WHERE target_document_id IS NULL").fetchone()[0]
    out = tmp_path / "g.graphml"
    r = _invoke("graph", "--db", corpus, "--format", "graphml", "-o", out)
    assert r.exit_code == 0, r.output
    g = nx.read_graphml(out)
    assert g.number_of_edges() == n_cit and g.number_of_nodes() == n_docs + n_keys
    resolved = [(g.nodes[u]["label"], g.nodes[v]["label"]) for u, v, a in g.edges(data=True)
                if g.nodes[v]["type"] == "document"]
    assert sorted(resolved) == sorted((a, c) for a, _b, c in RESOLVED)
    r = _invoke("graph", "--db", corpus, "--format", "json")
    data = json.loads(r.stdout)
    assert len(data["edges"]) == n_cit
    assert sum(u["count"] for u in data["unresolved"]) == n_cit - len(RESOLVED)
    g2 = nx.node_link_graph({"directed": True, "multigraph": True, "nodes": data["nodes"],
                             "links": data["edges"]}, edges="links", key="id")
    assert g2.number_of_edges() == n_cit
    r = _invoke("graph", "--db", corpus, "--unresolved")
    assert r.exit_code == 0 and "unresolved key(s)" in r.output


ORDER_361 = ROOT / "tests" / "data" / "cq_zhengfuling_361.txt"  # a 令: a 修改决定 and the two acts it re-publishes
ACTS_361 = ["重庆市城市道路桥梁管理办法", "重庆市公共租赁住房管理实施细则"]


def _index_order(tmp_path) -> tuple[Path, dict]:
    src = tmp_path / "ling361.json"
    src.write_text(gazette_parser.to_json(gazette_parser.parse(ORDER_361, ocr="never")), encoding="utf-8")
    db = tmp_path / "g.db"
    assert _invoke("index", src, "--db", db).exit_code == 0
    return db, json.loads(src.read_text(encoding="utf-8"))


def test_amendments_are_edges_of_the_same_graph(tmp_path):
    db, data = _index_order(tmp_path)
    decision = data["documents"][0]
    assert [d["title"] for d in data["documents"][1:]] == ACTS_361
    rows = json.loads(_invoke("query", "--db", db, "--amends", "--format", "json").output)
    assert all(x["from_doc_number"] == "重庆市人民政府令第361号" and x["resolved"] for x in rows)
    amends = sorted((x["to_title"], x["article"] or "") for x in rows if x["relation"] == "amends")
    # the decision's title names both acts; each amending item names an act and a place
    expected = sorted([(t, "") for t in ACTS_361]
                      + [(a["act"], a["location"]["text"]) for a in decision["amendments"]])
    assert amends == expected and len(decision["amendments"]) == 11
    # each item links to the act as re-published in the same issue
    assert {x["to_title"] for x in rows if x["relation"] == "republishes"} == set(ACTS_361)
    assert ("重庆市城市道路桥梁管理办法", "第十条第四项") in amends


def test_reindexing_a_cited_document_resolves_again(tmp_path):
    db, _ = _index_order(tmp_path)
    con = sqlite3.connect(db)
    before = con.execute("SELECT count(*), count(target_document_id) FROM citations").fetchone()
    con.close()
    assert _invoke("index", tmp_path / "ling361.json", "--db", db).exit_code == 0
    con = sqlite3.connect(db)
    after = con.execute("SELECT count(*), count(target_document_id) FROM citations").fetchone()
    con.close()
    assert before == after and after[1] > 0  # the edges and their resolutions come back the same


# ----------------------------------------------------------------------------------------------
# Datasette


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_datasette_serves_the_metadata_and_canned_queries(corpus):
    metadata = ROOT / "datasette" / "metadata.json"
    queries = json.loads(metadata.read_text(encoding="utf-8"))["databases"]["gazettes"]["queries"]
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(corpus), "-m", str(metadata),
                             "-h", "127.0.0.1", "-p", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/gazettes"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + ".json", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(proc.stdout.read().decode())
                time.sleep(0.2)
        params = {"who_leads_what": {"unit": "市住房城乡建设委"}, "targets_by_year": {},
                  "who_cites": {"doc_number": "国发〔2022〕12号"}}
        assert set(queries) == set(params)
        results = {}
        for name, args in params.items():
            url = f"{base}/{name}.json?" + urllib.parse.urlencode({**args, "_shape": "array"})
            results[name] = json.loads(urllib.request.urlopen(url, timeout=10).read())
        assert results["who_leads_what"] and {r["unit"] for r in results["who_leads_what"]} == {"市住房城乡建设委"}
        assert 2025 in {r["year"] for r in results["targets_by_year"]}
        assert [r["citing_doc_number"] for r in results["who_cites"]] == ["渝府办发〔2022〕81号"]
        facets = json.loads(urllib.request.urlopen(f"{base}/targets.json?_shape=objects", timeout=10).read())
        assert "year" in facets.get("facet_results", {}) or "year" in str(facets.get("facet_results"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
