"""validate: the published schemas, their agreement with the model, and what they catch."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import gazette_parser
from gazette_parser import model
from gazette_parser.emit import fields as F
from gazette_parser.emit import render
from gazette_parser.errors import GazetteError
from gazette_parser.resources import schema_path
from gazette_parser.validate import validate

from .conftest import DATA, NOT_DOCUMENTS, ROOT, SAMPLES
from .emit_fixtures import rich_issue

XS = "{http://www.w3.org/2001/XMLSchema}"


@pytest.fixture(scope="module")
def rich():
    return render(rich_issue(), "all")


@pytest.fixture()
def data(rich):
    return json.loads(rich["json"])


# ----------------------------------------------------------------------------------------------
# the schemas themselves


def test_shipped_schemas_are_what_the_field_table_generates():
    """output_schemas/ is generated from emit/fields.py: regenerate after editing the table."""
    want_json = json.dumps(F.json_schema(model.SCHEMA_VERSION), ensure_ascii=False, indent=2) + "\n"
    assert schema_path("gazette.schema.json").read_text(encoding="utf-8") == want_json, \
        "run: python -m gazette_parser.emit.fields output_schemas/"
    assert schema_path("gazette.xsd").read_text(encoding="utf-8") == F.xsd(model.SCHEMA_VERSION)


def test_every_model_field_is_described():
    """A field added to the model without a schema entry (or the reverse) is drift: fail."""
    for cls_name, obj in F.MODEL_OBJECTS.items():
        cls = getattr(model, cls_name)
        in_model = [f.name for f in dataclasses.fields(cls)]
        # optional fields added after 1.0 (page_index) are model fields too; output-only ones (source.text) not
        described = [f.name for f in F.fields_of(obj)
                     if not f.derived and (not f.optional or f.name in in_model)]
        if cls_name == "Document":
            in_model.remove("warnings")  # listed once, at the top level
        assert described == in_model, cls_name
    assert [f.name for f in F.ROOT] == ["schema_version", "source", "issue", "toc", "documents", "warnings"]


def test_json_schema_documents_every_property_and_is_strict():
    schema = json.loads(schema_path("gazette.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == model.SCHEMA_VERSION
    objects = [schema] + [d for d in schema["$defs"].values() if d.get("type") == "object"]
    for obj in objects:
        assert obj["additionalProperties"] is False
        for name, prop in obj["properties"].items():
            assert prop.get("description"), name


def test_xsd_annotates_every_element_and_attribute():
    tree = etree.parse(str(schema_path("gazette.xsd")))
    nodes = list(tree.iter(XS + "element")) + list(tree.iter(XS + "attribute"))
    assert len(nodes) > 80
    for node in nodes:
        if node.getparent().tag == XS + "sequence" and node.getparent().getparent().getparent() is not None \
                and node.get("name") in {f.item for fs in F.OBJECTS.values() for f in fs[1]} | {
                    f.item for f in F.ROOT}:
            continue  # a list's entry: its wrapper carries the documentation
        doc = node.find(f"{XS}annotation/{XS}documentation")
        assert doc is not None and doc.text.strip(), node.get("name")
    assert tree.getroot().get("version") == model.SCHEMA_VERSION


def test_schemas_ship_in_the_package():
    cfg = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    assert "gazette_parser.output_schemas = output_schemas" in cfg
    assert "gazette_parser.output_schemas = *.json, *.xsd, *.md" in cfg
    for name in ("gazette.schema.json", "gazette.xsd", "README.md"):
        assert schema_path(name).is_file()


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "schema_compat").glob("gazette-*")))
def test_old_outputs_of_this_schema_version_still_validate(name):
    """Outputs written under a schema version must stay valid while that version stands: a schema
    change that breaks them needs a version bump (and a new frozen output here)."""
    path = DATA / "schema_compat" / name
    version = name.split("-", 1)[1].rsplit(".", 1)[0]
    if version != model.SCHEMA_VERSION:
        pytest.skip(f"written under schema {version}, current is {model.SCHEMA_VERSION}")
    ok, errors = validate(path)
    assert ok, errors[:5]


# ----------------------------------------------------------------------------------------------
# what validation catches, with paths


def test_json_extra_field_is_caught_with_its_path(data):
    data["documents"][0]["clauses"][1]["children"][0]["children"][0]["lead_units"][0]["role"] = "lead"
    ok, errors = validate(data)
    assert not ok
    assert errors == ["$.documents[0].clauses[1].children[0].children[0].lead_units[0]: "
                      "Additional properties are not allowed ('role' was unexpected)"]


def test_json_type_and_enum_drift_is_caught(data):
    t = data["documents"][0]["clauses"][0]["children"][0]["targets"][0]
    t["value"] = "43"
    t["comparator"] = "≥"
    del data["documents"][1]["clauses"][0]["children"][0]["numbering"]
    data["schema_version"] = "0.9"
    ok, errors = validate(data)
    assert not ok
    text = "\n".join(errors)
    assert "$.documents[0].clauses[0].children[0].targets[0].value: '43' is not of type 'number'" in text
    assert "$.documents[0].clauses[0].children[0].targets[0].comparator: '≥' is not one of" in text
    assert "$.documents[1].clauses[0].children[0]: 'numbering' is a required property" in text
    assert "$.schema_version: '1.0' was expected" in text


def test_json_range_needs_value_max_and_spans_are_ordered(data):
    t = data["documents"][0]["clauses"][0]["children"][0]["targets"][0]
    t["comparator"] = "range"
    ok, errors = validate(copy.deepcopy(data))
    assert not ok and any("targets[0].value_max" in e for e in errors)
    t["comparator"] = ">="
    data["documents"][0]["span"] = [10, 3]
    ok, errors = validate(data)
    assert errors == ["$.documents[0].span: span end 3 is before its start 10"]


def test_xml_errors_carry_path_and_line(rich):
    root = etree.fromstring(rich["xml"].encode())
    ns = {"g": F.XML_NS}
    target = root.find(".//g:target", ns)
    target.set("value", "forty-three")
    target.set("colour", "red")
    ok, errors = validate(etree.tostring(root))
    assert not ok
    assert any(e.startswith("/gazette/documents/document[1]/clauses/clause[1]/children/clause/targets/target[1] (")
               and "forty-three" in e for e in errors), errors
    assert any("colour" in e for e in errors)
    assert all("(line " in e for e in errors)


def test_akn_errors_from_the_strict_official_schema(rich):
    root = etree.fromstring(rich["akn"].encode())
    a = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
    articles = list(root.iter(a + "article"))
    articles[1].set("eId", articles[0].get("eId"))  # a duplicate eId: only the strict schema sees it
    ok, errors = validate(etree.tostring(root), kind="akn")
    assert not ok and any("eId" in e or "duplicate" in e.lower() for e in errors), errors
    root.find(f".//{a}mainBody").append(etree.Element(a + "bogus"))
    ok, errors = validate(etree.tostring(root))
    assert not ok and any("bogus" in e for e in errors)


def test_unreadable_and_unknown_inputs_give_errors_not_tracebacks(tmp_path):
    assert validate(tmp_path / "missing.json")[0] is False
    (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
    ok, errors = validate(tmp_path / "x.json")
    assert not ok and errors[0].startswith("$: not valid JSON")
    (tmp_path / "x.xml").write_text("<a><b></a>", encoding="utf-8")
    ok, errors = validate(tmp_path / "x.xml")
    assert not ok and "not well-formed" in errors[0]
    (tmp_path / "y.xml").write_text("<html/>", encoding="utf-8")
    ok, errors = validate(tmp_path / "y.xml")
    assert not ok and "unknown root element" in errors[0]
    with pytest.raises(ValueError):
        validate("{}", kind="yaml")


# ----------------------------------------------------------------------------------------------
# the CLI


def _cli():
    from gazette_parser.cli import main

    return main


def test_cli_validate_ok_and_failing(tmp_path, rich):
    for kind, suffix in (("json", ".json"), ("xml", ".xml"), ("akn", ".akn.xml")):
        (tmp_path / f"good{suffix}").write_text(rich[kind], encoding="utf-8")
    good = [str(tmp_path / n) for n in ("good.json", "good.xml", "good.akn.xml")]
    result = CliRunner().invoke(_cli(), ["validate", *good])
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == 3
    bad = json.loads(rich["json"])
    bad["documents"][0]["title"] = None
    (tmp_path / "bad.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(_cli(), ["validate", *good, str(tmp_path / "bad.json")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.json'}: $.documents[0].title: None is not of type 'string'" in result.output


def test_cli_parse_format_all_writes_three_valid_files(tmp_path):
    out = tmp_path / "cq.json"
    result = CliRunner().invoke(_cli(), [str(SAMPLES / "cq-gazette-2022-14.txt"), "--format", "all",
                                         "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = [tmp_path / "cq.json", tmp_path / "cq.xml", tmp_path / "cq.akn.xml"]
    result = CliRunner().invoke(_cli(), ["validate", *map(str, files)])
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------------------------------
# every real document we have: every format validates


def _real_inputs() -> list[Path]:
    files = sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.pdf"))
    files += sorted(p for p in DATA.glob("*") if p.suffix in (".txt", ".html", ".htm"))
    return [p for p in files if p.name not in NOT_DOCUMENTS]


@pytest.mark.parametrize("path", _real_inputs(), ids=lambda p: p.name)
def test_every_real_document_validates_in_every_format(path):
    issue = gazette_parser.parse(path)
    for kind, text in render(issue, "all").items():
        ok, errors = validate(text, kind=kind)
        assert ok, (kind, errors[:5])


def _mutations(data):
    """One break per kind of schema keyword the output schema uses, and the untouched issue."""
    def doc(d):
        return d["documents"][0]

    def clause(d):
        return doc(d)["clauses"][0]

    def target(d):
        return clause(d)["children"][0]["targets"][0]

    edits = {
        "valid": lambda d: None,
        "additionalProperties": lambda d: clause(d).update(role="lead"),
        "type": lambda d: target(d).update(value="43"),
        "bool-is-not-integer": lambda d: doc(d).update(span=[True, 5]),
        "enum": lambda d: target(d).update(comparator="≥"),
        "required": lambda d: clause(d).pop("numbering"),
        "const": lambda d: d.update(schema_version="0.9"),
        "if-then": lambda d: target(d).update(comparator="range"),
        "prefixItems-items-false": lambda d: doc(d).update(span=[1, 2, 3]),
        "minItems": lambda d: doc(d).update(span=[1]),
        "minimum": lambda d: doc(d).update(span=[-1, 2]),
        "pattern": lambda d: doc(d).update(date="2022/05/01"),
        "anyOf-null": lambda d: doc(d).update(date=5),
    }
    for name, edit in edits.items():
        d = copy.deepcopy(data)
        edit(d)
        yield name, d


def test_fast_json_check_agrees_with_jsonschema(data):
    """The fastjsonschema pre-check (draft-07 translation) never passes what jsonschema refuses."""
    from gazette_parser.validate import _fast_ok, fast_json_check, json_validator

    assert fast_json_check() is not None
    for name, d in _mutations(data):
        assert _fast_ok(d) == json_validator().is_valid(d), name
        assert _fast_ok(d) == (name == "valid"), name
