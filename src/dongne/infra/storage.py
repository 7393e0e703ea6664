"""Where uploaded blobs (images) live: an interface and the local-disk store.

Keys are object-store style paths (``images/01J….jpg``): segments of ``[A-Za-z0-9._-]``
joined by ``/``. The same rule everywhere means a key accepted here is also a valid S3/GCS
key and a URL path that needs no escaping, and it makes path traversal impossible.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Final, Protocol, runtime_checkable

_SEGMENT: Final = re.compile(r"[A-Za-z0-9._-]+")
# Object stores cap keys at 1024 bytes and most filesystems cap a name at 255.
MAX_KEY_LENGTH: Final = 1024
MAX_SEGMENT_LENGTH: Final = 255
# Blobs are served publicly by URL anyway; group/other read lets a web server or another
# user (nginx) serve the folder directly, where mkstemp's default 0600 would not.
_FILE_MODE: Final = 0o644


class InvalidBlobKey(ValueError):
    """A key that is not a plain relative path of safe segments."""


def validate_key(key: str) -> str:
    """Return ``key`` unchanged if it is safe, else raise ``InvalidBlobKey``.

    Segments starting with a dot are refused too: they cover ``.`` and ``..`` and keep
    keys clear of hidden files, including this module's temporary files.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidBlobKey(f"blob key must be 1-{MAX_KEY_LENGTH} characters")
    for segment in key.split("/"):
        if (
            not _SEGMENT.fullmatch(segment)
            or segment.startswith(".")
            or len(segment) > MAX_SEGMENT_LENGTH
        ):
            raise InvalidBlobKey(f"invalid blob key: {key!r}")
    return key


@runtime_checkable
class BlobStorage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing any blob there; never visible half-written."""
        ...

    async def get(self, key: str) -> bytes | None:
        """The blob's bytes, or None if there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the blob; deleting a missing key is not an error."""
        ...

    def url_for(self, key: str) -> str:
        """Where a client fetches the blob (a path on our server, or an object-store URL)."""
        ...


class LocalDiskStorage:
    """Blobs as files under ``root``, served at ``{base_url}/{key}``.

    The content type is not stored: it is recorded with the image row, and the key's
    extension tells a static file server what to send.
    """

    def __init__(self, root: Path, base_url: str = "/media") -> None:
        self.root = root
        self.base_url = base_url.rstrip("/")

    def path_for(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path_for(key)
        await asyncio.to_thread(_write_atomically, path, data)

    async def get(self, key: str) -> bytes | None:
        path = self.path_for(key)
        return await asyncio.to_thread(_read_or_none, path)

    async def delete(self, key: str) -> None:
        path = self.path_for(key)
        await asyncio.to_thread(_unlink_if_file, path)

    def url_for(self, key: str) -> str:
        return f"{self.base_url}/{validate_key(key)}"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary file sits in the target's folder so os.replace is a same-filesystem
    # rename: atomic, so a reader sees the old blob or the new one, never half of one.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            # Without fsync a crash soon after the rename can leave an empty file under
            # the final name on some filesystems (ext4 delayed allocation).
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, _FILE_MODE)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        # A key whose path is a folder ("images" while "images/x.jpg" exists) or runs
        # through a file names no blob.
        return None


def _unlink_if_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
        path.unlink()
