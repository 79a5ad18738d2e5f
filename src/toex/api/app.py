"""The FastAPI application: /api/v1, its OpenAPI document, docs, and the web app at /."""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from toex import __version__
from toex.api.db import Database
from toex.api.errors import CODES, ApiError, body
from toex.api.routes import (
    admin,
    audit,
    entities,
    explain,
    graph,
    networks,
    picture,
    records,
    reference,
    search,
    tasks,
)
from toex.api.routes import auth as auth_routes
from toex.api.settings import ApiSettings

API_PREFIX = "/api/v1"
log = logging.getLogger("toex.api")

#: No inline scripts, no third-party origins; the web bundle is same-origin only.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class GuardMiddleware:
    """Security headers on every response; request bodies over the limit answer 413.

    Also the access log: method, path (never the query string, which may hold
    names or phone numbers), status and duration; nothing else.
    """

    def __init__(self, app: ASGIApp, *, max_body: int, https: bool) -> None:
        self.app = app
        self.max_body = max_body
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_seen = {"status": 0}
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                too_big = True
            if too_big:
                await self._reject(send)
                return
        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    exceeded = True  # the app sees an empty body; its answer is replaced by 413
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def secured_send(message: Message) -> None:
            if exceeded:
                if message["type"] == "http.response.start":
                    status_seen["status"] = 413
                    await self._reject(send)
                return
            if message["type"] == "http.response.start":
                status_seen["status"] = int(message["status"])
                extra = self._headers(scope)
                existing = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in existing]
            await send(message)

        try:
            await self.app(scope, limited_receive, secured_send)
        finally:
            log.info("%s %s %s %.1fms", scope.get("method"), scope.get("path"), status_seen["status"],
                     (time.perf_counter() - started) * 1000)

    def _headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        out = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
               (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
               (b"cross-origin-opener-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin"),
               (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]
        if str(scope.get("path", "")).startswith("/api/"):
            out.append((b"cache-control", b"no-store"))
        if self.https or scope.get("scheme") == "https":
            out.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        return out

    async def _reject(self, send: Send) -> None:
        payload = JSONResponse(body("too_large", f"request body over the limit of {self.max_body} bytes"),
                               status_code=413)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json")] + self._headers({})})
        await send({"type": "http.response.body", "body": payload.body})


def _not_built_page() -> str:
    return ("<!doctype html><html lang='en-GB'><head><meta charset='utf-8'><title>toex</title></head><body>"
            "<h1>toex</h1><p>The web application bundle is not built. Build it with "
            "<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code> (it writes to "
            "<code>src/toex/api/static/</code>), then restart <code>toex serve</code>.</p>"
            "<p>The REST API is at <a href='/api/docs'>/api/docs</a>.</p></body></html>")


def _docs_page(spec: dict[str, Any]) -> str:
    """The API reference as plain HTML rendered from the OpenAPI document (no scripts, no CDN)."""
    parts = [f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'><title>toex API {html.escape(__version__)}"
             "</title></head><body><h1>toex REST API</h1>"
             f"<p>OpenAPI document: <a href='{API_PREFIX}/openapi.json'>{API_PREFIX}/openapi.json</a>. "
             "Conventions (errors, paging, purpose, scope): docs/api.md.</p>"]
    for path, ops in sorted(spec.get("paths", {}).items()):
        for method, op in ops.items():
            parts.append(f"<h2><code>{html.escape(method.upper())} {html.escape(path)}</code></h2>")
            parts.append(f"<p>{html.escape(str(op.get('summary', '')))}</p>")
            params = op.get("parameters", [])
            if params:
                parts.append("<ul>")
                for p in params:
                    parts.append(f"<li><code>{html.escape(str(p.get('name')))}</code> ({html.escape(str(p.get('in')))}"
                                 f"{', required' if p.get('required') else ''}) "
                                 f"{html.escape(str(p.get('description', '')))}</li>")
                parts.append("</ul>")
            codes = ", ".join(sorted(op.get("responses", {})))
            parts.append(f"<p>Responses: {html.escape(codes)}</p>")
    parts.append("</body></html>")
    return "".join(parts)


def create_app(settings: ApiSettings | None = None, db: Database | None = None) -> FastAPI:
    """The application over the store named in ``settings`` (or the given database)."""
    cfg = settings or ApiSettings()
    database = db or Database.open(cfg.store, threads=cfg.threads, index_check_seconds=cfg.index_check_seconds)
    app = FastAPI(
        title="toex", version=__version__,
        description="REST API of toex, analysis for exploitation hubs. Conventions in docs/api.md.",
        openapi_url=f"{API_PREFIX}/openapi.json", docs_url=None, redoc_url=None,
    )
    app.state.db = database
    app.state.settings = cfg
    from toex.api.ingest_jobs import IngestJobs

    app.state.ingest_jobs = IngestJobs(database, cfg.ingest_dir)
    from toex.api.queries import name_variants

    name_variants()  # warm: the first search should not pay for reading the variant table

    api = APIRouter(prefix=API_PREFIX, responses={
        int(s): {"model": _error_model(), "description": CODES[s]} for s in (400, 401, 403, 404, 422, 428, 429)})
    for module in (auth_routes, search, entities, records, explain, graph, networks, picture, tasks, reference, audit,
                   admin):
        api.include_router(module.router)
    app.include_router(api)
    _handlers(app)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_docs_page(app.openapi()))

    @app.get("/api/{rest:path}", include_in_schema=False)
    def api_unknown(rest: str) -> Response:
        raise ApiError(404, f"no API endpoint /api/{rest}")

    static: Path = cfg.static_dir

    @app.get("/{rest:path}", include_in_schema=False)
    def web(rest: str) -> Response:
        index = static / "index.html"
        if not index.is_file():
            return HTMLResponse(_not_built_page())
        if rest:
            target = (static / rest).resolve()
            if target.is_file() and static.resolve() in target.parents:
                return FileResponse(target)
            if rest.startswith("assets/"):
                raise ApiError(404, "no such file")
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.add_middleware(GuardMiddleware, max_body=cfg.max_body_bytes, https=cfg.https)
    return app


def _error_model() -> type:
    from toex.api.schemas import ErrorBody

    return ErrorBody


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(body(exc.code, exc.message, exc.detail), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                  for e in exc.errors()]
        return JSONResponse(body("invalid", "the request is not valid: " + "; ".join(str(d["msg"]) for d in detail[:3]),
                                 detail), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = CODES.get(exc.status_code, "error")
        return JSONResponse(body(code, str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s", type(exc).__name__)
        return JSONResponse(body("server_error", "something went wrong on the server; it has been logged"),
                            status_code=500)
