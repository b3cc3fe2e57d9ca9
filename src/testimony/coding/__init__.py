"""Coding services: interviews, themes, codings, memos, search and retrieval."""
