"""Writing outputs safely: to a temporary file in the same folder, then rename.

A reader never sees a half-written file, and a failed run leaves the previous
output in place. Files that belong together (the four outputs of one plan) are
published as a set (`publish_set`): a reader sees all files of one run, never a mix.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lsg_infra.errors import OutputError, UsageError
from lsg_infra.textsafe import printable


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new temporary file in `path`'s folder (created if missing): a rename stays on one disk."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None


def write_atomic(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Call `write` with a temporary binary file, then move it to `path`."""
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, lambda fh: fh.write(data))


def create_atomic(path: Path, data: bytes, mode: int = 0o644) -> bool:
    """Write a new file `path` whole, or nothing: False when it already exists (never replaced).

    For files a person will edit next (`lsg init`, `lsg blueprint export`): the temporary
    file is hard-linked into place, which fails instead of replacing a file created meanwhile.
    """
    if path.exists():
        return False
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True


MANIFEST = "manifest.json"
"""Names the run a set of outputs came from, with each file's SHA-256."""
LOCK_SUFFIX = ".lock"
TMP_MARK = ".tmp-"
OLD_MARK = ".old-"


@dataclass(frozen=True)
class PublishedSet:
    """The files of one run, now in `folder`, and the id that names the run."""

    folder: Path
    run_id: str
    files: list[Path]


def publish_set(
    folder: Path,
    fill: Callable[[Path], list[Path]],
    *,
    owned: Collection[str],
    manifest_name: str = MANIFEST,
    run_id: str | None = None,
    on_wait: Callable[[], object] | None = None,
) -> PublishedSet:
    """Write a set of files as one: all of this run, or (if it fails) all of the previous.

    `fill(tmp)` writes the files into a fresh hidden folder beside `folder`; a manifest
    naming the run and each file's SHA-256 is added, and the folder is then swapped in
    for `folder` by one rename (an atomic exchange where Linux offers it). Runs into the
    same folder are serialised by a lock file beside it (`.<name>.lock`, fcntl), and
    hidden folders left by killed runs are removed once the lock is held. `folder` may
    only hold files named in `owned` (what a run writes): it is replaced as a whole.
    `on_wait` is called once if another run holds the lock (to say why nothing happens).
    """
    given, folder = folder, Path(os.path.abspath(folder))
    check_set_folder(folder, {*owned, manifest_name})
    run = run_id or uuid.uuid4().hex
    with _locked(folder, on_wait):
        remove_stale(folder)
        check_set_folder(folder, {*owned, manifest_name})
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}{TMP_MARK}", dir=folder.parent))
        except OSError as exc:
            raise OutputError(f"cannot write {folder}: {exc.strerror}") from None
        try:
            # mkdtemp makes it private (0700); the published folder is for everyone to read
            os.chmod(tmp, 0o755)  # noqa: S103
            files = fill(tmp)
            manifest = {
                "run": run,
                "files": {p.name: _sha256(tmp / p.name) for p in files},
            }
            write_text_atomic(tmp / manifest_name, json.dumps(manifest, indent=2) + "\n")
            _fsync_dir(tmp)
            _swap_in(tmp, folder)
        except OSError as exc:
            raise OutputError(f"cannot write {folder}: {exc.strerror}") from None
        finally:
            # after a successful swap `tmp` holds the previous set (or nothing)
            shutil.rmtree(tmp, ignore_errors=True)
    return PublishedSet(given, run, [given / p.name for p in files])


def check_set_folder(folder: Path, owned: Collection[str]) -> None:
    """UsageError unless `folder` is absent or holds only files a run writes there."""
    if not folder.exists():
        return
    if folder.is_symlink() or not folder.is_dir():
        raise UsageError(f"{printable(str(folder))} is not a folder; expected an output folder")
    foreign = sorted(
        entry.name
        for entry in os.scandir(folder)
        if entry.name not in owned and not _old_writer_temporary(entry.name, owned)
    )
    if foreign:
        shown = ", ".join(printable(n) for n in foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise UsageError(
            f"{printable(str(folder))} holds files lsg did not write there ({shown}); the "
            "output folder is replaced as a whole, so choose an empty or new folder"
        )


def _old_writer_temporary(name: str, owned: Collection[str]) -> bool:
    # `.plan.json.k2j3.tmp`, left by a killed run of an older version (write_atomic)
    return (
        name.startswith(".")
        and name.endswith(".tmp")
        and name[1:].split(".")[0] in {o.split(".")[0] for o in owned}
    )


def remove_stale(folder: Path) -> list[Path]:
    """Remove the hidden folders of runs into `folder` that were killed (lock held)."""
    removed: list[Path] = []
    prefix_tmp, prefix_old = f".{folder.name}{TMP_MARK}", f".{folder.name}{OLD_MARK}"
    if not folder.parent.is_dir():
        return removed
    for entry in os.scandir(folder.parent):
        if entry.name.startswith((prefix_tmp, prefix_old)) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def _locked(folder: Path, on_wait: Callable[[], object] | None = None) -> Iterator[None]:
    """Hold `.<folder>.lock` beside `folder`; the kernel releases it if the run dies."""
    lock = folder.parent / f".{folder.name}{LOCK_SUFFIX}"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write {folder}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)  # another run into this folder: wait for it
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays for the next run


def _swap_in(new: Path, folder: Path) -> None:
    """Put `new` at `folder`; afterwards `new` holds the previous set, if there was one."""
    if not folder.exists():
        os.rename(new, folder)
        _fsync_dir(folder.parent)
        return
    if not _exchange(new, folder):
        # no atomic exchange here (not Linux, or a file system without it): two renames;
        # between them `folder` is briefly absent, never a mix of two runs
        old = folder.parent / f".{folder.name}{OLD_MARK}{uuid.uuid4().hex[:8]}"
        os.rename(folder, old)
        try:
            os.rename(new, folder)
        except OSError:
            os.rename(old, folder)  # put the previous set back
            raise
        os.rename(old, new)
    _fsync_dir(folder.parent)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unavailable."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
