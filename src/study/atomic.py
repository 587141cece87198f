"""Low-level primitives for all-or-nothing writing (base layer: imports only the standard library).

- :func:`write_atomic` — one file written beside its target and renamed over it;
- :class:`FileLock` — an advisory ``flock`` lock (shared for readers, exclusive for writers),
  released by the kernel when its holder dies, so a killed process never leaves a lock behind;
- :class:`OwnedTemp` — a temporary folder whose creator holds a lock on a file beside it
  (``<folder>.lock``); :func:`remove_stale` removes such folders only when that lock is free,
  that is when the creator is gone (also across PID namespaces, e.g. two containers sharing a volume);
- :func:`swap_folders` — exchange two folders in one ``renameat2(RENAME_EXCHANGE)`` call (Linux),
  so readers see either the old set of files or the new one, never a mixture or nothing;
- :func:`os_error_line` — an :class:`OSError` as one line naming the path and the cause.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

#: Suffix of the lock file beside an owned temporary folder.
LOCK_SUFFIX = ".lock"


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The process's umask, read once at import (reading it means setting it, which is not thread-safe).
UMASK = _read_umask()


def sha256_bytes(data: bytes) -> str:
    """SHA-256 (hex) of a byte string."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def os_error_line(exc: OSError, path: object | None = None) -> str:
    """``<path>: <cause>`` for an OS-level failure (one line, no traceback)."""
    where = path if path is not None else (exc.filename or "")
    cause = exc.strerror or type(exc).__name__
    if exc.filename2:
        where = f"{exc.filename} -> {exc.filename2}"
    return f"{where}: {cause}" if where else cause


def write_atomic(path: Path, data: bytes | str, *, fsync: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``:
    readers see the old content or the new one, never a partial file."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "wb") as f:
            f.write(raw)
            if fsync:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class FileLock:
    """An advisory lock on ``path`` (created when missing). ``shared=True`` for readers.

    Blocking; the kernel releases it when the process dies (no stale locks).
    """

    def __init__(self, path: Path, *, shared: bool = False) -> None:
        self.path = Path(path)
        self.shared = shared
        self._fd: int | None = None

    def acquire(self, blocking: bool = True) -> bool:
        """Take the lock; with ``blocking=False`` return ``False`` at once when it is held."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            # a read-only place: nobody can write there either, so a reader may go on without the lock
            if not self.shared or exc.errno not in (errno.EACCES, errno.EROFS, errno.EPERM):
                raise
            try:
                fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                return True
        flags = (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | (0 if blocking else fcntl.LOCK_NB)
        while True:
            try:
                fcntl.flock(fd, flags)
                break
            except InterruptedError:
                continue
            except BlockingIOError:
                os.close(fd)
                return False
            except BaseException:
                os.close(fd)
                raise
        self._fd = fd
        return True

    def release(self) -> None:
        """Release the lock (idempotent)."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class OwnedTemp:
    """A temporary folder ``<parent>/<prefix><pid>-<random>`` with an owner lock beside it.

    The lock file ``<folder>.lock`` is created and locked *before* the folder, and removed
    only after the folder was renamed away or deleted; so a folder whose lock file can be
    locked by someone else (or, for folders made by older versions, whose PID is gone) is stale.
    """

    def __init__(self, parent: Path, prefix: str, *, mode: int | None = None) -> None:
        parent = Path(parent)
        self.name = f"{prefix}{os.getpid()}-{secrets.token_hex(4)}"
        self.path = parent / self.name
        self.lock = FileLock(parent / f"{self.name}{LOCK_SUFFIX}")
        self.lock.acquire()
        try:
            os.mkdir(self.path, 0o700 if mode is None else mode)
            if mode is not None:
                os.chmod(self.path, mode)
        except BaseException:
            self._drop_lock()
            raise

    def _drop_lock(self) -> None:
        with suppress(OSError):
            self.lock.path.unlink()
        self.lock.release()

    def close(self) -> None:
        """Remove the folder if still there, then the lock (the owner is done with it)."""
        if self.path.is_dir() and not self.path.is_symlink():
            shutil.rmtree(self.path, ignore_errors=True)
        self._drop_lock()

    def __enter__(self) -> OwnedTemp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (in this PID namespace)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_PID_IN_NAME = re.compile(r"-(\d+)-[0-9a-z_]*$")


def is_stale(folder: Path) -> bool:
    """Whether the temporary ``folder`` (an :class:`OwnedTemp`, or a ``…-<pid>-<random>`` folder
    of an older version) was left by a process that is gone."""
    lock = folder.with_name(folder.name + LOCK_SUFFIX)
    if lock.exists():
        probe = FileLock(lock)
        try:
            if not probe.acquire(blocking=False):
                return False  # its creator still holds it
        except OSError:
            return False
        probe.release()
        return True
    m = _PID_IN_NAME.search(folder.name)
    return bool(m) and not pid_alive(int(m.group(1)))


def remove_stale(parent: Path, prefixes: tuple[str, ...]) -> list[Path]:
    """Remove the temporary folders (and their lock files) in ``parent`` whose names start with
    one of ``prefixes`` and whose creator is gone. Returns the removed folders."""
    removed: list[Path] = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    for p in entries:
        if not p.name.startswith(prefixes):
            continue
        if p.name.endswith(LOCK_SUFFIX):
            folder = p.with_name(p.name[: -len(LOCK_SUFFIX)])
            if not folder.exists() and is_stale(folder):  # a lock whose folder is gone
                with suppress(OSError):
                    p.unlink()
            continue
        if p.is_dir() and not p.is_symlink() and is_stale(p):
            shutil.rmtree(p, ignore_errors=True)
            with suppress(OSError):
                p.with_name(p.name + LOCK_SUFFIX).unlink()
            if not p.exists():
                removed.append(p)
    return removed


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2() -> object | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def exchange(a: Path, b: Path) -> bool:
    """Atomically exchange the paths ``a`` and ``b`` (both must exist). ``False`` when the system
    cannot (not Linux, old kernel, a file system without support); raises other OS errors."""
    fn = _renameat2()
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def swap_folders(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target`` (same file system). Afterwards ``new``
    holds the previous content of ``target`` (or does not exist when there was none); the
    caller removes it. Atomic with ``renameat2``; else two renames (a killed process may then
    leave ``target`` missing for an instant, never half-filled)."""
    new, target = Path(new), Path(target)
    if not target.exists():
        os.rename(new, target)
        return
    if exchange(new, target):
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    os.rename(old, new)


@contextmanager
def locked(path: Path, *, shared: bool = False) -> Iterator[FileLock]:
    """``with locked(path): ...`` — hold a :class:`FileLock` for the block."""
    lock = FileLock(path, shared=shared)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


def wait_for(predicate: object, timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate()`` until it is true or ``timeout`` seconds passed (for tests and shutdown)."""
    end = time.monotonic() + timeout
    while True:
        if predicate():  # type: ignore[operator]
            return True
        if time.monotonic() > end:
            return False
        time.sleep(interval)
