"""Error bodies: every error answers ``{"error": {"code", "message", "detail"}}`` (docs/api.md)."""

from __future__ import annotations

from typing import Any

CODES: dict[int, str] = {
    400: "bad_request", 401: "unauthorised", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "too_large", 422: "invalid", 428: "purpose_required", 429: "rate_limited",
    500: "server_error",
}


class ApiError(Exception):
    """An error the API answers with a JSON error body and the matching status."""

    def __init__(self, status: int, message: str, *, code: str | None = None, detail: Any = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.detail = detail
        self.headers = headers


def body(code: str, message: str, detail: Any = None) -> dict[str, Any]:
    """The error body."""
    return {"error": {"code": code, "message": message, "detail": detail}}


def not_found(what: str = "record") -> ApiError:
    """Out-of-scope and missing ids answer the same 404."""
    return ApiError(404, f"no such {what}, or not in your scope")
