"""Reading the raw plans file: encoding, line endings, and a first sanity check.

Accepts UTF-8 (with or without BOM) and cp932/Shift_JIS, with LF, CRLF or CR
line endings; all give the same lines. Anything else raises
:class:`~study.errors.InputError` naming the file and what was expected.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from study.errors import InputError
from study.paths import BUNDLED_RAW_SHA256, bundled_raw

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: A form header line must contain both labels somewhere in the file.
FORM_MARKERS = ("都道府県名", "市区町村名")


@dataclass(frozen=True)
class RawText:
    """The decoded raw file: ``lines[i]`` is source line ``i + 1``."""

    path: Path
    lines: tuple[str, ...]
    encoding: str
    sha256: str


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM optional) or cp932; return (text, encoding name)."""
    if not data.strip():
        raise InputError(path, "the file is empty")
    if b"\x00" in data:
        raise InputError(path, "the file is binary (it contains NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if utf8_error.start >= len(data) - 3 and "end of data" in utf8_error.reason:
        # a file cut inside its last multi-byte character: drop the partial character
        return data[: utf8_error.start].decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError as exc:
        if exc.start == len(data) - 1:
            return data[:-1].decode("cp932"), "cp932"
        raise InputError(
            path,
            f"the bytes are neither UTF-8 (invalid at byte {utf8_error.start}) nor "
            f"Shift_JIS/cp932 (invalid at byte {exc.start})",
        ) from None


def check_text(text: str, path: Path) -> None:
    """Reject decoded text that is mostly control characters (a binary file that happened to decode)."""
    controls = len(_CONTROL_RE.findall(text))
    if controls > max(3, len(text) // 1000):
        raise InputError(path, f"the file looks binary ({controls} control characters)")


def split_lines(text: str) -> tuple[str, ...]:
    """Split on LF, CRLF or CR; a final newline does not add an empty line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return tuple(text.split("\n"))


def read_raw(path: Path | str | None = None, verify_bundled: bool = True) -> RawText:
    """Read and decode the raw plans text.

    ``path=None`` reads the bundled file, whose SHA-256 must equal the recorded
    one (data/README.md) when ``verify_bundled`` is true.
    """
    is_default = path is None
    p = Path(path) if path is not None else bundled_raw()
    if not p.exists():
        raise InputError(p, "no such file")
    if not p.is_file():
        raise InputError(p, "not a regular file")
    data = p.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if is_default and verify_bundled and digest != BUNDLED_RAW_SHA256:
        raise InputError(
            p,
            f"SHA-256 {digest} differs from the recorded {BUNDLED_RAW_SHA256}",
            "the bundled raw file unchanged (see data/README.md)",
        )
    text, encoding = decode(data, p)
    check_text(text, p)
    if not all(marker in text for marker in FORM_MARKERS):
        raise InputError(p, "no '都道府県名 … 市区町村名' header found: this is not the plans form")
    return RawText(path=p, lines=split_lines(text), encoding=encoding, sha256=digest)
