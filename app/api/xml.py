"""Open311 XML: built with ElementTree (which escapes), never by joining strings.

The shapes follow the GeoReport v2 examples: a list is a root element holding one child per
item (<services><service>…), a value of None is an empty element, booleans are true/false,
a list of scalars repeats an element named after the singular (<formats><format>…).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

# XML 1.0 cannot carry these characters at all, not even escaped: drop them.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

SINGULAR = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "jurisdictions": "jurisdiction",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        child_tag = SINGULAR.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, child_tag), item)
    else:
        element.text = _text(value)


def document(root: str, item: str | None, data: Any) -> bytes:
    """``data`` is a list (one <item> per entry) when ``item`` is given, else a dict."""
    element = ET.Element(root)
    if item is None:
        _fill(element, data)
    else:
        for entry in data:
            _fill(ET.SubElement(element, item), entry)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)
