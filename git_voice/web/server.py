"""The web app, the guard every request passes, and serving it on loopback.

Safe by default:

- it listens on 127.0.0.1 only;
- a secret token made at launch (as Jupyter does) must come with every request:
  in the URL (``?token=``, which also sets a same-site cookie for the page's own
  links, audio and assets), the cookie, or the ``X-GitVoice-Token`` header;
  requests that change anything (not GET or HEAD) need the header, so a page from
  elsewhere that rides on the cookie changes nothing;
- the Host header must name this server (``127.0.0.1:PORT`` or ``localhost:PORT``):
  a rebinding DNS name that resolves to 127.0.0.1 is refused;
- pages forbid scripts, styles and media from anywhere but here (a Content Security
  Policy), and are never framed; the token never leaves in a Referer.
"""

from __future__ import annotations

import hmac
import secrets
import socket
import threading
import webbrowser
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import ui
from ..gitops.repo import Repo
from .site import HERE, Site

COOKIE = "gitvoice_token"
HEADER = "x-gitvoice-token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class Guard:
    """ASGI middleware: the Host check and the token check (see the module docstring)."""

    def __init__(self, app: Any, site: Site) -> None:
        self.app, self.site = app, site

    def _refusal(self, scope: dict) -> tuple[int, str] | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        port = self.site.port
        if headers.get("host", "") not in {f"127.0.0.1:{port}", f"localhost:{port}"}:
            return 403, "refused: unexpected Host header"
        request = Request(scope)
        method = scope.get("method", "GET")
        given = [headers.get(HEADER, "")]
        if method in ("GET", "HEAD"):
            given += [request.query_params.get("token", ""), request.cookies.get(COOKIE, "")]
        if not any(g and hmac.compare_digest(g.encode(), self.site.token.encode()) for g in given):
            need = "the X-GitVoice-Token header" if method not in ("GET", "HEAD") else "the token (open the URL git voice web printed)"
            return 403, f"refused: {need} is missing or wrong"
        return None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal:
            await PlainTextResponse(refusal[1] + "\n", status_code=refusal[0])(scope, receive, send)
            return
        token_in_url = "token=" in scope.get("query_string", b"").decode("latin-1")

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                         (b"cache-control", b"no-store")]
                if token_in_url:
                    extra.append((b"set-cookie", f"{COOKIE}={self.site.token}; Path=/; HttpOnly; SameSite=Strict".encode()))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _client_gone(request: Request, exc: Exception) -> Response:
    """A client that closed its connection before its body was read: nothing to tell it, and
    nothing for the terminal (uvicorn would print the exception's traceback)."""
    return PlainTextResponse("the request's body ended early\n", status_code=400)


def make_app(site: Site) -> Starlette:
    """The Starlette app for ``site``, behind :class:`Guard`."""
    from . import live, views

    routes = [
        Route("/", views.commits_page),
        Route("/commit/{sha}", views.commit_page),
        Route("/commit/{sha}/audio", views.audio),
        Route("/commit/{sha}/words.json", views.words_json),
        Route("/commit/{sha}/note.{kind:str}", views.export),
        Route("/api/commit/{sha}/take", views.upload_take, methods=["POST"]),
        Route("/api/commit/{sha}/note", views.save_note, methods=["POST"]),
        Route("/api/stage", views.stage_take, methods=["POST"]),
        Route("/api/commit/{sha}/live", live.start, methods=["POST"]),
        Route("/api/live/{session}/chunk", live.chunk, methods=["POST"]),
        Route("/api/live/{session}/stop", live.stop, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, site=site)],
                    exception_handlers={ClientDisconnect: _client_gone})
    app.state.site = site
    return app


def listen(port: int) -> socket.socket:
    """A socket bound to 127.0.0.1:``port`` (0: a free port the system picks)."""
    from ..errors import ConfigError

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    sock.listen(64)
    return sock


def serve(repo: Repo, settings: Any, rev_range: str | None, port: int, open_browser: bool) -> None:
    """Serve the page until Ctrl-C; prints the URL (with the token) on stdout."""
    import uvicorn

    sock = listen(port)
    site = Site(repo, settings, rev_range, secrets.token_urlsafe(24), sock.getsockname()[1])
    url = f"http://127.0.0.1:{site.port}/?token={site.token}"
    config = uvicorn.Config(make_app(site), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        print(f"git voice web: serving {repo.cwd} at\n    {url}\n(Ctrl-C stops it)", flush=True)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, args=(url,)).start()
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down on Ctrl-C, then raises the signal again for the caller: a
        # stop asked for, not an error (and Ctrl-C before it started means the same).
        pass
    finally:
        sock.close()
    ui.info("web: stopped")
