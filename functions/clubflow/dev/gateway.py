"""What the local stack answers in API Gateway's place before a request reaches the app.

Chalice's local server answers an unknown path 403 "Missing Authentication Token", as API
Gateway does by default; stacks/app.yaml maps that gateway response to 404, so locally an
unknown path gets the site's own 404 (a page for browsers, JSON for API clients).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.local import ChaliceRequestHandler, RouteMatcher

if TYPE_CHECKING:
    from chalice import Chalice
    from chalice.config import Config
    from chalice.local import LocalDevServer


class UnknownPathsNotFound(ChaliceRequestHandler):
    """Chalice's request handler, with unknown paths answered 404 by the app's error page."""

    def __init__(self, request: Any, client_address: Any, server: Any, app_object: Chalice,
                 config: Config) -> None:
        # Set before the base class handles the request (it does so inside __init__).
        self._app = app_object
        super().__init__(request, client_address, server, app_object, config)

    def _parse_payload(self) -> tuple[dict[str, Any], bytes | None]:
        # Chalice reads Content-Length only; a chunked body (API Gateway takes them) would be
        # left on the connection and read as the next request.
        if "chunked" not in (self.headers.get("transfer-encoding") or "").lower():
            return super()._parse_payload()
        chunks = []
        while True:
            try:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            except ValueError:
                self.close_connection = True  # not chunked after all: nothing more can be read
                break
            if size == 0:
                while self.rfile.readline().strip():  # trailers, then the blank line
                    pass
                break
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        headers = {name: value for name, value in self.headers.items() if name.lower() != "transfer-encoding"}
        body = b"".join(chunks)
        headers["Content-Length"] = str(len(body))
        return headers, body or None

    def _answer(self) -> None:
        try:
            RouteMatcher(list(self._app.routes)).match_route(self.path)
        except ValueError:
            self._not_found()
            return
        self._generic_handle()

    def _not_found(self) -> None:
        from chalicelib.core import errors, web
        from chalicelib.core.middleware import SECURITY_HEADERS

        self._parse_payload()  # read the body so the connection stays usable
        headers = {name.lower(): value for name, value in self.headers.items()}
        response = web.refusal(errors.NotFound("page"), as_json=web.wants_json_by(headers))
        body = response.body if self.command != "HEAD" else None
        self._send_http_response(404, {**SECURITY_HEADERS, **response.headers}, body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _answer

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, QUERY, ...): no route takes it, and API Gateway answers it as
        # an unknown path (403, mapped to 404), where http.server would answer 501.
        if name.startswith("do_"):
            return self._not_found
        raise AttributeError(name)


def local_server(app: Chalice, config: Config, host: str, port: int) -> LocalDevServer:
    """chalice.local.create_local_server, with unknown paths answered 404."""
    from chalice.local import CustomLocalChalice, LocalChalice, LocalDevServer

    # As create_local_server does: a per-thread current_request for the threaded server.
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
    app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=UnknownPathsNotFound)
