"""Uploads: re-encode off the event loop, store the blob, record the image; attach to posts.

Private blobs (a document photo with a local application) go through the same cleaning
(EXIF and GPS stripped) into a store of their own that no URL serves: only the service
that owns them reads them back, for whom it allows."""

from __future__ import annotations

import asyncio
import mimetypes
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dongne.infra.storage import BlobStorage
from dongne.kit.clock import Clock
from dongne.kit.db import UnitOfWork
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.ids import new_id
from dongne.kit.messages import MessageKey, text
from dongne.media.policy import ProcessedImage, process_image
from dongne.media.repository import ImageRepository
from dongne.media.schemas import UploadedImage
from dongne.models.questions import Image

# Decoding a large image can take hundreds of MB for a moment: few at a time.
CONCURRENT_DECODES = 2


@dataclass(frozen=True)
class PrivateBlob:
    data: bytes
    content_type: str


class MediaService:
    def __init__(self, clock: Clock, storage: BlobStorage, private: BlobStorage) -> None:
        self._clock = clock
        self._storage = storage
        self._private = private
        self._decodes = asyncio.Semaphore(CONCURRENT_DECODES)

    async def _clean(self, raw: bytes) -> ProcessedImage:
        async with self._decodes:
            return await asyncio.to_thread(process_image, raw)

    async def upload(self, uow: UnitOfWork, owner_id: str, raw: bytes) -> UploadedImage:
        image = await self._clean(raw)
        now = self._clock.now()
        image_id = new_id(now)
        key = f"images/{image_id}.{image.extension}"
        # The blob goes first: a crash before commit leaves an orphan file, never a row
        # that points at nothing.
        await self._storage.put(key, image.data, image.content_type)
        ImageRepository(uow.session).add(
            Image(
                id=image_id,
                owner_id=owner_id,
                storage_key=key,
                content_type=image.content_type,
                width=image.width,
                height=image.height,
                size_bytes=len(image.data),
                created_at=now,
            )
        )
        return UploadedImage(
            image_id=image_id,
            url=self._storage.url_for(key),
            width=image.width,
            height=image.height,
            content_type=image.content_type,
        )

    async def attach(
        self,
        uow: UnitOfWork,
        image_ids: Sequence[str],
        *,
        owner_id: str,
        question_id: str | None = None,
        answer_id: str | None = None,
    ) -> list[Image]:
        """Attaches the owner's unattached images to one question or answer."""
        wanted = list(dict.fromkeys(image_ids))
        if not wanted:
            return []
        found = {image.id: image for image in await ImageRepository(uow.session).get_many(wanted)}
        for image_id in wanted:
            image = found.get(image_id)
            if image is None or image.owner_id != owner_id:
                raise DongneError(
                    ErrorCode.NOT_FOUND, text(MessageKey.IMAGE_NOT_FOUND, detail=image_id)
                )
            if image.question_id is not None or image.answer_id is not None:
                raise DongneError(
                    ErrorCode.CONFLICT,
                    text(MessageKey.IMAGE_ALREADY_ATTACHED, detail=image_id),
                )
            image.question_id = question_id
            image.answer_id = answer_id
        return [found[image_id] for image_id in wanted]

    async def images_of_questions(
        self, uow: UnitOfWork, question_ids: Sequence[str]
    ) -> dict[str, list[Image]]:
        images = await ImageRepository(uow.session).of_questions(question_ids)
        return _grouped(images, lambda image: image.question_id)

    async def images_of_answers(
        self, uow: UnitOfWork, answer_ids: Sequence[str]
    ) -> dict[str, list[Image]]:
        images = await ImageRepository(uow.session).of_answers(answer_ids)
        return _grouped(images, lambda image: image.answer_id)

    def url_for(self, image: Image) -> str:
        return self._storage.url_for(image.storage_key)

    async def read_blob(self, key: str) -> bytes | None:
        return await self._storage.get(key)

    async def put_private(self, folder: str, raw: bytes) -> str:
        """Cleans the image and stores it privately; returns its key."""
        image = await self._clean(raw)
        key = f"{folder}/{new_id(self._clock.now())}.{image.extension}"
        await self._private.put(key, image.data, image.content_type)
        return key

    async def read_private(self, key: str) -> PrivateBlob | None:
        data = await self._private.get(key)
        if data is None:
            return None
        return PrivateBlob(data, mimetypes.guess_type(key)[0] or "application/octet-stream")

    async def delete_private(self, key: str) -> None:
        await self._private.delete(key)


def _grouped(images: list[Image], owner: Callable[[Image], str | None]) -> dict[str, list[Image]]:
    grouped: defaultdict[str, list[Image]] = defaultdict(list)
    for image in images:
        key = owner(image)
        if key is not None:
            grouped[key].append(image)
    return grouped
