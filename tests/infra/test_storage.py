"""Blob storage: both implementations honour the interface; the disk one is atomic and safe."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dongne.infra.storage import (
    BlobStorage,
    InvalidBlobKey,
    LocalDiskStorage,
    validate_key,
)

JPEG = b"\xff\xd8\xff fake jpeg bytes"


@pytest.fixture
def storage(tmp_path: Path) -> BlobStorage:
    return LocalDiskStorage(tmp_path / "media")


def leftovers(root: Path) -> list[str]:
    """Temporary files a put left behind (they start with a dot)."""
    return [p.name for p in root.rglob(".*")]


def everything_under(root: Path) -> list[Path]:
    return list(root.rglob("*"))


# --- the interface, for every implementation -----------------------------------------------


def test_implements_protocol(storage: BlobStorage) -> None:
    assert isinstance(storage, BlobStorage)


@pytest.mark.asyncio
async def test_put_get_delete_roundtrip(storage: BlobStorage) -> None:
    key = "images/01JABCDEF.jpg"
    assert await storage.get(key) is None

    await storage.put(key, JPEG, "image/jpeg")
    assert await storage.get(key) == JPEG

    await storage.delete(key)
    assert await storage.get(key) is None


@pytest.mark.asyncio
async def test_put_replaces(storage: BlobStorage) -> None:
    await storage.put("a.png", b"first", "image/png")
    await storage.put("a.png", b"second", "image/png")
    assert await storage.get("a.png") == b"second"


@pytest.mark.asyncio
async def test_empty_blob_is_not_missing(storage: BlobStorage) -> None:
    await storage.put("empty.bin", b"", "application/octet-stream")
    assert await storage.get("empty.bin") == b""


@pytest.mark.asyncio
async def test_delete_missing_is_fine(storage: BlobStorage) -> None:
    await storage.delete("never/was.webp")


@pytest.mark.asyncio
async def test_keys_are_case_sensitive_and_distinct(storage: BlobStorage) -> None:
    await storage.put("x/A.jpg", b"upper", "image/jpeg")
    await storage.put("x/a.jpg", b"lower", "image/jpeg")
    assert await storage.get("x/A.jpg") == b"upper"
    assert await storage.get("x/a.jpg") == b"lower"


def test_url_for(storage: BlobStorage) -> None:
    assert storage.url_for("images/01J.jpg") == "/media/images/01J.jpg"


BAD_KEYS = [
    "",
    "..",
    ".",
    "../etc/passwd",
    "images/../../etc/passwd",
    "images/./a.jpg",
    "/etc/passwd",
    "images//a.jpg",
    "images/",
    ".hidden",
    "images/.a.jpg.123.tmp",
    "a\\..\\b",
    "a b.jpg",
    "사진.jpg",
    "a.jpg\n",
    "a\x00.jpg",
    "%2e%2e/x",
    "C:/x",
    "~/x",
    "x" * 256,
    "/".join(["abcdefgh"] * 120),  # 1079 characters: past object stores' key limit
]


@pytest.mark.parametrize("key", BAD_KEYS)
@pytest.mark.asyncio
async def test_unsafe_keys_are_refused(storage: BlobStorage, key: str) -> None:
    with pytest.raises(InvalidBlobKey):
        await storage.put(key, b"x", "image/jpeg")
    with pytest.raises(InvalidBlobKey):
        await storage.get(key)
    with pytest.raises(InvalidBlobKey):
        await storage.delete(key)
    with pytest.raises(InvalidBlobKey):
        storage.url_for(key)


@pytest.mark.parametrize(
    "key", ["a", "a.jpg", "images/2024/06/01J-x_y.Z.webp", "-", "x" * 255, "a..b", "a/b..", "_"]
)
def test_safe_keys_are_accepted(key: str) -> None:
    assert validate_key(key) == key


def test_invalid_key_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="invalid blob key"):
        validate_key("../x")


# --- the local disk implementation ---------------------------------------------------------


@pytest.mark.asyncio
async def test_disk_writes_under_root(tmp_path: Path) -> None:
    store = LocalDiskStorage(tmp_path / "data" / "media")
    await store.put("images/2024/a.jpg", JPEG, "image/jpeg")

    path = tmp_path / "data" / "media" / "images" / "2024" / "a.jpg"
    assert path.read_bytes() == JPEG
    assert store.path_for("images/2024/a.jpg") == path
    assert leftovers(tmp_path) == []
    # Readable by a separate web server process serving the folder.
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


@pytest.mark.asyncio
async def test_disk_refused_key_writes_nothing(tmp_path: Path) -> None:
    store = LocalDiskStorage(tmp_path / "media")
    with pytest.raises(InvalidBlobKey):
        await store.put("../escaped.jpg", JPEG, "image/jpeg")
    assert everything_under(tmp_path) == []


@pytest.mark.asyncio
async def test_disk_failed_write_keeps_old_blob_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = LocalDiskStorage(tmp_path)
    await store.put("a.jpg", b"old", "image/jpeg")

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        await store.put("a.jpg", b"new", "image/jpeg")
    monkeypatch.undo()

    assert await store.get("a.jpg") == b"old"
    assert leftovers(tmp_path) == []


@pytest.mark.asyncio
async def test_disk_concurrent_puts_leave_one_whole_blob(tmp_path: Path) -> None:
    store = LocalDiskStorage(tmp_path)
    payloads = [bytes([i]) * 200_000 for i in range(16)]

    await asyncio.gather(*(store.put("same.png", p, "image/png") for p in payloads))

    assert await store.get("same.png") in payloads
    assert leftovers(tmp_path) == []


@pytest.mark.asyncio
async def test_disk_folder_or_file_in_the_way_is_no_blob(tmp_path: Path) -> None:
    store = LocalDiskStorage(tmp_path)
    await store.put("images/a.jpg", JPEG, "image/jpeg")

    assert await store.get("images") is None  # a folder, not a blob
    assert await store.get("images/a.jpg/b.jpg") is None  # runs through a file
    await store.delete("images")
    await store.delete("images/a.jpg/b.jpg")
    assert await store.get("images/a.jpg") == JPEG


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("/media", "/media/images/a.jpg"),
        ("/media/", "/media/images/a.jpg"),
        ("https://cdn.example.kr/dongne/", "https://cdn.example.kr/dongne/images/a.jpg"),
    ],
)
def test_disk_url_for(tmp_path: Path, base_url: str, expected: str) -> None:
    assert LocalDiskStorage(tmp_path, base_url).url_for("images/a.jpg") == expected


@given(st.text(max_size=40))
def test_any_key_is_refused_or_stays_under_root(key: str) -> None:
    root = Path("/srv/dongne/media")
    store = LocalDiskStorage(root)
    try:
        path = store.path_for(key)
    except InvalidBlobKey:
        return
    assert os.path.normpath(path) == str(path)  # nothing like "..", "." or "//" survived
    assert path.is_relative_to(root)
    assert path != root
