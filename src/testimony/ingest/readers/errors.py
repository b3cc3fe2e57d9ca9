"""The one error readers raise: what is wrong with the file, in words a user can act on."""


class ReadError(ValueError):
    """The file cannot be read as a transcript; the message says why (never its content)."""
