"""testimony: terminal-first qualitative coding of interview testimony."""

__version__ = "0.1.0"
