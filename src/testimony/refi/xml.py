"""REFI-QDA XML read safely: no DTD, no entities, no network, then checked against the schema.

project.qde and .qdc files come from anywhere. A document type declaration is
refused before lxml resolves anything (billion laughs, external entities);
the parser itself is also told never to resolve entities or reach the network.
Schema errors are reported by line and element with any offending value left
out, since a value may be text from a transcript.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from lxml import etree

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class XmlRefused(ValueError):
    """The XML is unsafe, malformed or off the schema; the message says why, without content."""


def parse_xml(data: bytes, what: str) -> etree._Element:
    """The root element of data, refusing DTDs and entities outright."""
    if _DOCTYPE.search(data):
        raise XmlRefused(f"{what} declares a DTD or entities, which REFI-QDA files never need")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        raise XmlRefused(f"{what} is not well-formed XML (line {line})") from None
    if root is None:
        raise XmlRefused(f"{what} holds no XML element")
    return root


@cache
def _schema(name: str) -> etree.XMLSchema:
    with resources.files("testimony.refi").joinpath("schemas").joinpath(name).open("rb") as handle:
        return etree.XMLSchema(etree.parse(handle))


def validate(root: etree._Element, schema_name: str, what: str) -> None:
    """Raise XmlRefused naming the first schema error (line, element, kind), never a value."""
    schema = _schema(schema_name)
    if schema.validate(root):
        return
    error = schema.error_log[0]
    raise XmlRefused(
        f"{what} does not follow the REFI-QDA schema: line {error.line}: "
        + _describe(error.message, _schema_names(schema_name))
    )


@cache
def _schema_names(name: str) -> frozenset[str]:
    """Element, attribute and type names the schema declares: safe to print."""
    data = resources.files("testimony.refi").joinpath("schemas").joinpath(name).read_bytes()
    return frozenset(n.decode() for n in re.findall(rb'name="([A-Za-z]+)"', data))


def _describe(message: str, known: frozenset[str]) -> str:
    """What is wrong and where, in the schema's words only: a value may be testimony."""

    def name(pattern: str) -> str | None:
        found = re.search(pattern, message)
        if not found:
            return None
        value = found.group(1).rpartition("}")[2]
        return value if value in known else "(an unknown name)"

    element = name(r"Element '([^']*)'")
    attribute = name(r"attribute '([^']*)'")
    kind = re.search(r"type '(xs:\w+|[A-Za-z]+Type)'", message)
    if "is not a valid value" in message or "not accepted by the pattern" in message:
        problem = "a value is not valid" + (f" (expected {kind.group(1)})" if kind else "")
    elif "is required but missing" in message:
        problem = "a required attribute is missing"
    elif "Missing child element" in message:
        problem = "a required element is missing"
    elif "not expected" in message:
        problem = "an element is not expected here"
    elif "is not allowed" in message:
        problem = "an attribute is not allowed here"
    elif "No matching global declaration" in message:
        problem = "the root element is not a REFI-QDA project"
    else:
        problem = "it does not match the schema"
    where = ", ".join(
        part
        for part in (
            f"element {element}" if element else "",
            f"attribute {attribute}" if attribute else "",
        )
        if part
    )
    return f"{where}: {problem}" if where else problem
