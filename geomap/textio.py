"""Reading user-supplied text files with clear errors."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

_BINARY_PROBE = 8192  # a NUL byte this near the start means binary data, not text
_BOM = b"\xef\xbb\xbf"


class InputError(ValueError):
    """A file the user gave cannot be used; the message says why."""


@dataclass(frozen=True)
class LoadedText:
    text: str
    warnings: tuple[str, ...] = ()


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def open_input(path: str) -> BinaryIO:
    """``path`` (``-`` for stdin) opened to read bytes; InputError when it cannot be."""
    if path == "-":
        return sys.stdin.buffer
    name = display_name(path)
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a text file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None


def read_text(path: str) -> LoadedText:
    """Read ``path`` (``-`` for stdin) as UTF-8 text.

    Invalid UTF-8 is decoded with replacement characters and reported; binary
    files, empty files and missing files are refused with a message.
    """
    handle = open_input(path)
    try:
        data = handle.read()
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()
    return decode_text(display_name(path), data)


def decode_text(name: str, data: bytes) -> LoadedText:
    """A whole input's bytes as text, with read_text's checks."""
    _refuse_binary(name, data)
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")  # a BOM goes either way
        warnings.append(_bad_utf8(name, exc.start))
    _refuse_empty(name, text)
    return LoadedText(text, tuple(warnings))


def _refuse_binary(name: str, data: bytes) -> None:
    if b"\x00" in data[:_BINARY_PROBE]:
        raise InputError(f"{name}: looks like a binary file (it contains NUL bytes), not text")


def _refuse_empty(name: str, text: str) -> None:
    if not text.strip():
        raise InputError(f"{name}: the file is empty")


def _bad_utf8(name: str, offset: int) -> str:
    return f"{name}: not valid UTF-8 (first bad byte at offset {offset}); undecodable bytes were replaced with U+FFFD"


class LineInput:
    """An input read a line at a time (split at "\\n" only), so a file of any size, or a
    stream still arriving on stdin, is never held whole.

    Opening reads up to the first non-blank line (``head``), enough to refuse a missing,
    empty or binary input and to tell its format; ``lines`` then gives every line,
    ``whole`` the rest of it at once for formats that need the whole document.
    """

    def __init__(self, path: str):
        self.name = display_name(path)
        self._handle = open_input(path)
        self._head: list[bytes] = []
        for raw in self._handle:
            self._head.append(raw)
            if _decode_quietly(raw, first=len(self._head) == 1).strip():
                break
        data = b"".join(self._head)
        self.head = _decode_quietly(data, first=True)
        try:
            _refuse_binary(self.name, data)
            _refuse_empty(self.name, self.head)
        except InputError:
            self.close()
            raise

    def lines(self, warn: Callable[[str], None]) -> Iterator[str]:
        """Every line, decoded; invalid UTF-8 is replaced and ``warn`` told once."""
        offset, warned = 0, False
        try:
            for number, raw in enumerate(self._chained(), start=1):
                if number == 1:
                    raw = _without_bom(raw)
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    line = raw.decode("utf-8", errors="replace")
                    if not warned:
                        warn(_bad_utf8(self.name, offset + exc.start))
                        warned = True
                offset += len(raw)
                yield line.removesuffix("\n")
        finally:
            self.close()

    def whole(self) -> LoadedText:
        """All of the input as one text, with read_text's checks."""
        try:
            data = b"".join(self._head) + self._handle.read()
        finally:
            self.close()
        return decode_text(self.name, data)

    def close(self) -> None:
        if self._handle is not sys.stdin.buffer:
            self._handle.close()

    def _chained(self) -> Iterator[bytes]:
        yield from self._head
        yield from self._handle


def _decode_quietly(raw: bytes, *, first: bool) -> str:
    return (_without_bom(raw) if first else raw).decode("utf-8", errors="replace")


def _without_bom(raw: bytes) -> bytes:
    return raw[len(_BOM):] if raw.startswith(_BOM) else raw
