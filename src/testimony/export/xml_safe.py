"""Text that XML 1.0 can hold: a stray control character in a memo or a title would make
python-docx refuse the report and other QDA tools refuse a .qdpx as not well-formed."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 forbids (tab and line breaks stay)."""
    return NOT_XML.sub("", text)


def clean_tree(root: ET.Element) -> ET.Element:
    """Every text, tail and attribute value of an ElementTree made XML-safe, in place."""
    for element in root.iter():
        if element.text:
            element.text = xml_safe(element.text)
        if element.tail:
            element.tail = xml_safe(element.tail)
        for name, value in element.attrib.items():
            element.set(name, xml_safe(value))
    return root
