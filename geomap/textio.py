"""Reading user-supplied text files with clear errors."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


class InputError(ValueError):
    """A file the user gave cannot be used; the message says why."""


@dataclass(frozen=True)
class LoadedText:
    text: str
    warnings: tuple[str, ...] = ()


def read_text(path: str) -> LoadedText:
    """Read ``path`` (``-`` for stdin) as UTF-8 text.

    Invalid UTF-8 is decoded with replacement characters and reported; binary
    files, empty files and missing files are refused with a message.
    """
    name = "<stdin>" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a text file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file (it contains NUL bytes), not text")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        warnings.append(f"{name}: not valid UTF-8 (first bad byte at offset {exc.start}); "
                        "undecodable bytes were replaced with U+FFFD")
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    return LoadedText(text, tuple(warnings))
