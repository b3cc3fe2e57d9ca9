"""Exports: theme-quote reports and REFI-QDA exchange, every file through the leak gate.

`collect_report` gathers the quotes (a few set-based queries), a writer turns
them into bytes in memory, `gate` scans those bytes for fingerprinted
identifiers, and only a clean file is written (`write_export`).
"""

from testimony.export.quotes import ExportFilter, Quote, Report, ThemeSection, collect_report

__all__ = ["ExportFilter", "Quote", "Report", "ThemeSection", "collect_report"]
