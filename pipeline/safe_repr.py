"""One safe way to show an untrusted value in an error message: short, on one line, never expanded.

A YAML alias bomb is a few hundred bytes that parse to a structure sharing its parts; printing it
with `repr` expands every share (gigabytes). `safe_repr` walks at most a few levels and a few
items per level, so its cost and length are bounded whatever the value is.
"""

from __future__ import annotations

import reprlib

MAX_SHOWN = 60


class _Bounded(reprlib.Repr):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxdict = self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = 4
        self.maxarray = 4
        self.maxstring = max(limit, 8)
        self.maxlong = 40
        self.maxother = max(limit, 8)

    def repr_bytes(self, value: bytes, level: int) -> str:
        return repr(value[: self.maxstring]) + ("..." if len(value) > self.maxstring else "")

    def repr_instance(self, value, level: int) -> str:
        # Never call the repr of an unknown type: its size is unknown. Its type name is enough.
        return f"<{type(value).__name__}>"

    def repr_int(self, value: int, level: int) -> str:
        if value.bit_length() > 128:
            return f"<a {value.bit_length()}-bit integer>"
        return super().repr_int(value, level)

    def repr_float(self, value: float, level: int) -> str:
        return repr(value)

    def repr_bool(self, value: bool, level: int) -> str:
        return repr(value)

    def repr_NoneType(self, value: None, level: int) -> str:  # noqa: N802 - reprlib's naming
        return "None"

    def repr_date(self, value, level: int) -> str:
        return repr(str(value))

    repr_datetime = repr_date


def safe_repr(value: object, limit: int = MAX_SHOWN) -> str:
    """`repr(value)` cut to about `limit` characters, with nested containers elided ('...').

    Always one line (strings are shown escaped), and bounded in time and memory for any value,
    including self-referencing and alias-expanded structures.
    """
    text = _Bounded(limit).repr(value)
    return text if len(text) <= limit + 8 else text[:limit] + "..."


def one_line(text: str, limit: int = 300) -> str:
    """A message from a library (a parser's error, say) on one line and at most `limit` characters."""
    flat = " ".join(str(text)[: limit * 4].split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
