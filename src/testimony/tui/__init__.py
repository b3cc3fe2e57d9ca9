"""The coding workbench: a Textual app over the coding services (never SQL here)."""
