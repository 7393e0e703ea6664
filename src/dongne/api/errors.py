"""Every HTTP error has the body `{"error": {"code", "message"}}` and the matching status."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from dongne.kit.errors import HTTP_STATUS, DongneError, ErrorCode
from dongne.kit.messages import MessageKey, Text, negotiate, text

log = structlog.get_logger("dongne.http")

_CODE_BY_STATUS = {status: code for code, status in HTTP_STATUS.items()}


def _describe(errors: list[dict[str, object]]) -> Text:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in item['loc'] if p != 'body') or 'body'}: {item['msg']}"  # type: ignore[attr-defined]
        for item in errors[:5]
    )
    return text(MessageKey.INVALID_INPUT, detail=problems)


def _reply(
    request: Request, code: ErrorCode, message: Text | str, status: int | None = None
) -> JSONResponse:
    """`message` in the language the client asks for (Accept-Language; the web client sends
    the account's), Korean with English beside it when it names none of ours."""
    language = negotiate(request.headers.get("accept-language"))
    rendered = message.render(language) if isinstance(message, Text) else message
    body = {"error": {"code": code.value, "message": rendered}}
    return JSONResponse(body, status_code=status or HTTP_STATUS[code])


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DongneError)
    async def _dongne_error(request: Request, exc: DongneError) -> JSONResponse:
        # In the language the client asks for, with the error's details (retryAfter, ...).
        language = negotiate(request.headers.get("accept-language"))
        response = JSONResponse({"error": exc.to_wire(language)}, status_code=HTTP_STATUS[exc.code])
        retry_after = exc.details.get("retryAfter")
        if isinstance(retry_after, int | float):
            response.headers["Retry-After"] = str(int(retry_after))
        if exc.code is ErrorCode.UNAUTHENTICATED:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _reply(request, ErrorCode.INVALID, _describe(list(exc.errors())))

    @app.exception_handler(ValidationError)
    async def _invalid_model(request: Request, exc: ValidationError) -> JSONResponse:
        return _reply(request, ErrorCode.INVALID, _describe(list(exc.errors())))  # type: ignore[arg-type]

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODE_BY_STATUS.get(exc.status_code, ErrorCode.INVALID)
        return _reply(request, code, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("http_handler_failed", path=request.url.path)
        return _reply(request, ErrorCode.INTERNAL, text(MessageKey.INTERNAL_ERROR))
