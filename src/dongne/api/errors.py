"""Every HTTP error has the body `{"error": {"code", "message"}}` and the matching status."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from dongne.kit.errors import HTTP_STATUS, DongneError, ErrorCode

log = structlog.get_logger("dongne.http")

_CODE_BY_STATUS = {status: code for code, status in HTTP_STATUS.items()}


def _describe(errors: list[dict[str, object]]) -> str:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in item['loc'] if p != 'body') or 'body'}: {item['msg']}"  # type: ignore[attr-defined]
        for item in errors[:5]
    )
    return f"입력값이 올바르지 않습니다 (Invalid input): {problems}"


def _reply(code: ErrorCode, message: str, status: int | None = None) -> JSONResponse:
    body = {"error": {"code": code.value, "message": message}}
    return JSONResponse(body, status_code=status or HTTP_STATUS[code])


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DongneError)
    async def _dongne_error(_request: Request, exc: DongneError) -> JSONResponse:
        response = JSONResponse({"error": exc.to_wire()}, status_code=HTTP_STATUS[exc.code])
        retry_after = exc.details.get("retryAfter")
        if isinstance(retry_after, int | float):
            response.headers["Retry-After"] = str(int(retry_after))
        if exc.code is ErrorCode.UNAUTHENTICATED:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return _reply(ErrorCode.INVALID, _describe(list(exc.errors())))

    @app.exception_handler(ValidationError)
    async def _invalid_model(_request: Request, exc: ValidationError) -> JSONResponse:
        return _reply(ErrorCode.INVALID, _describe(list(exc.errors())))  # type: ignore[arg-type]

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODE_BY_STATUS.get(exc.status_code, ErrorCode.INVALID)
        return _reply(code, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("http_handler_failed", path=request.url.path)
        return _reply(ErrorCode.INTERNAL, "서버 오류가 발생했습니다 (Internal error)")
