"""`POST /api/uploads` (multipart image) and `GET /media/{key}` (the stored blobs)."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter, Response, UploadFile, status

from dongne.api.deps import ClaimsDep, RuntimeDep
from dongne.infra.storage import InvalidBlobKey
from dongne.kit.errors import DongneError, ErrorCode
from dongne.kit.messages import MessageKey, text
from dongne.media.policy import DEFAULT_MAX_BYTES
from dongne.media.schemas import UploadedImage

router = APIRouter(tags=["media"])

NOT_FOUND = text(MessageKey.FILE_NOT_FOUND)


@router.post("/api/uploads", status_code=status.HTTP_201_CREATED, response_model=UploadedImage)
async def upload(file: UploadFile, claims: ClaimsDep, runtime: RuntimeDep) -> UploadedImage:
    # Read one byte past the limit: enough to refuse, never the whole of a huge upload.
    raw = await file.read(DEFAULT_MAX_BYTES + 1)
    async with runtime.db.transaction() as uow:
        return await runtime.media.upload(uow, claims.user_id, raw)


@router.get("/media/{key:path}")
async def media(key: str, runtime: RuntimeDep) -> Response:
    try:
        data = await runtime.media.read_blob(key)
    except InvalidBlobKey:
        data = None
    if data is None:
        raise DongneError(ErrorCode.NOT_FOUND, NOT_FOUND)
    content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
    # Blobs are immutable (a new upload gets a new key), so clients may cache them for good.
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type=content_type, headers=headers)
