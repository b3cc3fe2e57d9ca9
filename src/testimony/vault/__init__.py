"""The identifier vault: original transcripts, identifiers and the pseudonym map.

Reviewers hold it; coders never do. It is the only place raw text is stored.
"""
