"""Redaction: detect identifiers, link them to entities, replace them with pseudonyms."""
