"""FtM, GraphML, GEXF and i2 files read back with their libraries; HTML and PDF packages."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from followthemoney import model

from toex.assess import run_assess
from toex.share.interchange import write_interchange
from toex.share.package import write_package
from toex.store import Store
from toex.task import generate_tasks


@pytest.fixture
def assessed(picture: Store) -> Store:
    run_assess(picture, actor="Jane Analyst")
    generate_tasks(picture, actor="Jane Analyst")
    return picture


def test_followthemoney_entities_validate(assessed: Store, tmp_path: Path) -> None:
    write_interchange(assessed, tmp_path, ["ftm"], actor="Jane Analyst")
    lines = (tmp_path / "entities.ftm.json").read_text(encoding="utf-8").splitlines()
    proxies = [model.get_proxy(json.loads(line)) for line in lines]
    for proxy in proxies:
        proxy.schema.validate(proxy.to_dict())
    schemas = {p.schema.name for p in proxies}
    assert {"Person", "Address", "Company", "UserAccount", "Directorship", "Ownership", "Associate"} <= schemas
    person = next(p for p in proxies if p.id == "P-000001")
    assert "+447700900001" in person.get("phone") or person.get("name") == ["Marcus Organiser"]
    assert not person.get("nationality")
    directorship = next(p for p in proxies if p.schema.name == "Directorship")
    assert directorship.get("director") == ["P-000001"] and directorship.get("organization") == ["O-000001"]


def test_graphml_and_gexf_read_back_with_networkx(assessed: Store, tmp_path: Path) -> None:
    write_interchange(assessed, tmp_path, ["graphml", "gexf"], actor="Jane Analyst")
    for graph in (nx.read_graphml(tmp_path / "networks.graphml"), nx.read_gexf(tmp_path / "networks.gexf")):
        assert graph.number_of_nodes() == assessed.scalar("SELECT count(DISTINCT entity_id) FROM network_members")
        assert graph.nodes["P-000001"]["role"] == "organiser"
        assert graph.nodes["P-000002"]["kind"] == "person"
        edge = next(d for a, b, d in graph.edges(data=True) if {a, b} == {"P-000001", "O-000001"})
        assert edge["relation"] == "director-of" and edge["source_id"] == "test-src"


def test_i2_anx_has_the_documented_structure(assessed: Store, tmp_path: Path) -> None:
    write_interchange(assessed, tmp_path, ["i2"], actor="Jane Analyst")
    root = ET.parse(tmp_path / "networks.anx").getroot()
    assert root.tag == "Chart"
    for path in ("EntityTypeCollection/EntityType", "LinkTypeCollection/LinkType", "AttributeClassCollection/AttributeClass",
                 "ChartItemCollection/ChartItem"):
        assert root.findall(path), path
    entities = root.findall("ChartItemCollection/ChartItem/End/Entity")
    ids = {e.get("EntityId") for e in entities}
    assert "P-000001" in ids and all(e.find("Icon/IconStyle") is not None for e in entities)
    links = root.findall("ChartItemCollection/ChartItem/Link")
    assert links and all(link.get("End1Id") in ids and link.get("End2Id") in ids for link in links)
    assert root.find("ChartItemCollection/ChartItem/CardCollection/Card").get("SourceReference")


def test_interchange_is_audited_and_can_drop_handling_c(assessed: Store, tmp_path: Path) -> None:
    write_interchange(assessed, tmp_path, ["graphml"], actor="Jane Analyst", recipients=["nca"], exclude_handling_c=True)
    graph = nx.read_graphml(tmp_path / "networks.graphml")
    assert not any(str(d.get("grading", "")).endswith("C") for _a, _b, d in graph.edges(data=True))
    detail = json.loads(assessed.scalar("SELECT detail FROM audit WHERE action = 'disclosure' ORDER BY seq DESC LIMIT 1"))
    assert detail["recipients"] == ["nca"]


def test_html_package_escapes_hostile_text_and_has_every_section(assessed: Store, tmp_path: Path) -> None:
    assessed.execute("UPDATE person_entities SET surname = '<script>alert(1)</script>' WHERE entity_id = 'P-000002'")
    result = write_package(assessed, "N-0001", tmp_path, produced_by="Jane <b>Analyst</b>")
    html = result.html.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Jane &lt;b&gt;Analyst&lt;/b&gt;" in html
    for section in ("OFFICIAL-SENSITIVE", "Summary", "Score breakdown", "Link chart", "Map of offences and addresses",
                    "Timeline", "People to safeguard", "4P plan", "Evidence: provenance and 3x5x2 grades"):
        assert section in html, section
    assert "3D C" in html and "1B P" in html
    assert assessed.scalar("SELECT count(*) FROM audit WHERE action = 'disclosure' AND target = 'package:N-0001'") == 1


def test_sharing_outside_the_owner_leaves_out_handling_code_c(assessed: Store, tmp_path: Path) -> None:
    result = write_package(assessed, "N-0001", tmp_path, produced_by="Jane Analyst", share_outside_owner=True,
                           classification="OFFICIAL")
    html = result.html.read_text(encoding="utf-8")
    assert result.withheld == 1 and "3D C" not in html and "rE9" not in html and "1B P" in html
    assert "OFFICIAL" in html and "handling code C" in html


@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                    reason="poppler-utils not installed (scripts/system-deps.sh)")
def test_pdf_renders_with_the_network_name_and_banner(assessed: Store, tmp_path: Path) -> None:
    result = write_package(assessed, "N-0001", tmp_path, produced_by="Jane Analyst", pdf=True)
    assert result.pdf is not None and result.pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(result.pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 1000 for p in pages)
    text = subprocess.run(["pdftotext", str(result.pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "N-0001" in text and "OFFICIAL-SENSITIVE" in text and "Jane Analyst" in text
