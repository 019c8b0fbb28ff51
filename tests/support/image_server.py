"""A loopback HTTP server for agency pictures: real sockets, real timeouts, nothing mocked.

Routes (GET):
  /w<WIDTH>/<name>.jpg   a JPEG <WIDTH> × (WIDTH/2) px, with Content-Length
  /big-declared.jpg      a JPEG whose Content-Length is `big_size` bytes (body follows)
  /big-streamed.jpg      `big_size` bytes of JPEG-typed data without Content-Length
  /page.html             text/html
  /garbage.jpg           image/jpeg that is not an image
  /stall.jpg             headers never come until the test ends (released on close)
  anything else          404
Every request's path is recorded in `requests`.
"""

from __future__ import annotations

import contextlib
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image as PILImage


def jpeg_bytes(width: int, height: int, color: str = "steelblue") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "JPEG")
    return buffer.getvalue()


class ImageServer:
    def __init__(self, big_size: int = 200_000) -> None:
        self.requests: list[str] = []
        self.big_size = big_size
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # close-delimited bodies: no Content-Length needed

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append(self.path)
                path = self.path.split("?", 1)[0]
                if path.startswith("/w") and path.lower().endswith(".jpg"):
                    width = int(path[2:].split("/", 1)[0])
                    self._send("image/jpeg", jpeg_bytes(width, max(1, width // 2)))
                elif path == "/big-declared.jpg":
                    self._send("image/jpeg", b"\xff" * server.big_size)
                elif path == "/big-streamed.jpg":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.end_headers()
                    chunk = b"\xff" * 8192
                    try:
                        for _ in range(server.big_size // len(chunk) + 1):
                            self.wfile.write(chunk)
                    except OSError:
                        pass  # the client hung up: what the limit should make it do
                elif path == "/page.html":
                    self._send("text/html; charset=utf-8", b"<html><body>Kein Bild</body></html>")
                elif path == "/garbage.jpg":
                    self._send("image/jpeg", b"\xff\xd8\xff\xe0 das ist kein Bild " * 20)
                elif path == "/stall.jpg":
                    server.release.wait(timeout=30)
                else:
                    self.send_error(404)

            def _send(self, content_type: str, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client hung up on purpose
                    self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
