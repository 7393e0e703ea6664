"""Uploaded images: validation, EXIF stripping and re-encoding."""
