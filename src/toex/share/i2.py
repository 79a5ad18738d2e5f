"""i2 Analyst's Notebook chart (ANX XML).

Structure (the ANX element names i2 documents):

    Chart
      EntityTypeCollection / EntityType (Name, IconFile)
      LinkTypeCollection / LinkType (Name, Colour)
      AttributeClassCollection / AttributeClass (Name, Type, ...)
      ChartItemCollection
        ChartItem (Label, Description)                  -- an entity
          AttributeCollection / Attribute (AttributeClass, Value)
          CardCollection / Card (Summary, SourceReference, SourceType, Text)
          End / Entity (EntityId, Identity, LabelIsIdentity) / Icon / IconStyle (Type)
        ChartItem (Label)                               -- a link
          CardCollection / Card (provenance and 3x5x2 grade)
          Link (End1Id, End2Id) / LinkStyle (Type, ArrowStyle, MlStyle)

``EntityId`` values are XML ids (letters, digits, ``_ - .``), so entity ids
are used as they are and anything else is replaced by ``_``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx

ICON = {"person": "Person", "location": "Address", "organisation": "Organisation", "object": "Telephone"}
ATTRIBUTE_CLASSES = (("Role", "AttText"), ("Network", "AttText"), ("Rank", "AttNumber"), ("Score", "AttNumber"))
_ID_BAD = re.compile(r"[^A-Za-z0-9_.-]")


def xml_id(value: str) -> str:
    """A valid XML ID for an entity id."""
    clean = _ID_BAD.sub("_", value)
    return clean if clean[:1].isalpha() or clean[:1] == "_" else "_" + clean


def build_anx(graph: nx.MultiDiGraph, title: str = "toex") -> ET.Element:
    """The ANX chart element for a member graph (see :mod:`toex.share.graph`)."""
    chart = ET.Element("Chart", {"Rigorous": "false", "IdReferenceLinking": "false"})
    ET.SubElement(chart, "Summary").append(_summary(title))
    types = ET.SubElement(chart, "EntityTypeCollection")
    for name in sorted(set(ICON.values())):
        ET.SubElement(types, "EntityType", {"Name": name, "IconFile": name})
    link_types = ET.SubElement(chart, "LinkTypeCollection")
    for name in sorted({str(d.get("relation") or "Link") for _a, _b, d in graph.edges(data=True)} | {"Link"}):
        ET.SubElement(link_types, "LinkType", {"Name": name, "Colour": "0"})
    classes = ET.SubElement(chart, "AttributeClassCollection")
    for name, att_type in ATTRIBUTE_CLASSES:
        ET.SubElement(classes, "AttributeClass", {"Name": name, "Type": att_type, "ShowValue": "true"})
    items = ET.SubElement(chart, "ChartItemCollection")
    for node, data in sorted(graph.nodes(data=True)):
        items.append(_entity_item(str(node), data))
    for a, b, data in graph.edges(data=True):
        items.append(_link_item(str(a), str(b), data))
    return chart


def _summary(title: str) -> ET.Element:
    fields = ET.Element("FieldCollection")
    ET.SubElement(fields, "Field", {"Type": "SummaryFieldTitle", "Field": title})
    return fields


def _entity_item(node: str, data: dict[str, object]) -> ET.Element:
    item = ET.Element("ChartItem", {"Label": str(data.get("label") or node), "Description": f"{data.get('kind')} {node}"})
    attrs = ET.SubElement(item, "AttributeCollection")
    for name, key in (("Role", "role"), ("Network", "network"), ("Rank", "rank"), ("Score", "score")):
        ET.SubElement(attrs, "Attribute", {"AttributeClass": name, "Value": str(data.get(key, ""))})
    end = ET.SubElement(item, "End")
    entity = ET.SubElement(end, "Entity", {"EntityId": xml_id(node), "Identity": node, "LabelIsIdentity": "false"})
    icon = ET.SubElement(entity, "Icon")
    ET.SubElement(icon, "IconStyle", {"Type": ICON.get(str(data.get("kind")), "Person")})
    return item


def _link_item(a: str, b: str, data: dict[str, object]) -> ET.Element:
    link_type = str(data.get("relation") or "Link")
    item = ET.Element("ChartItem", {"Label": link_type})
    cards = ET.SubElement(item, "CardCollection")
    ET.SubElement(cards, "Card", {
        "Summary": link_type,
        "SourceReference": f"{data.get('source_id', '')}:{data.get('ref', '')}",
        "SourceType": f"3x5x2 {data.get('grading')}" if data.get("grading") else "recorded",
        "Text": f"since {data.get('since') or '?'} until {data.get('until') or '-'}",
    })
    link = ET.SubElement(item, "Link", {"End1Id": xml_id(a), "End2Id": xml_id(b)})
    ET.SubElement(link, "LinkStyle", {"Type": link_type, "ArrowStyle": "ArrowOnHead", "MlStyle": "MultiplicityMultiple"})
    return item


def write_anx(graph: nx.MultiDiGraph, path: Path, title: str = "toex") -> None:
    """Write the chart as an .anx file (UTF-8 XML)."""
    tree = ET.ElementTree(build_anx(graph, title))
    ET.indent(tree)
    tree.write(str(path), encoding="utf-8", xml_declaration=True)
