"""Replies of the upload endpoint."""

from __future__ import annotations

from dongne.kit.schema import WireModel


class UploadedImage(WireModel):
    image_id: str
    url: str
    width: int
    height: int
    content_type: str
