"""A loopback stand-in for dpa's wireQ queue (the API of dpa-newslab/
dpa-digitalwires-wireq-example's fake server): `GET /q/entries.json` hands out the queued
entries, each with a fresh `_wireq_receipt`; `DELETE /q/entry/<receipt>` removes one. It
records every acknowledgement, and can be told to fail."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WireQStandIn:
    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        # receipt -> the entry it was handed out with (until deleted)
        self.handed_out: dict[str, dict[str, Any]] = {}
        self.deleted: list[str] = []
        # The record ids (urn or guid) of the deleted entries, in order.
        self.acked_ids: list[str] = []
        self.fetches = 0
        # Set to answer GET entries.json with this status (and an HTML body) instead.
        self.fail_status: int | None = None
        # Set to answer GET entries.json with this body instead of JSON.
        self.raw_answer: bytes | None = None
        # Receipts whose DELETE is answered 410 (expired).
        self.expired: set[str] = set()
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path != "/q/entries.json":
                    self._answer(404, b"")
                    return
                with stand_in.lock:
                    stand_in.fetches += 1
                    if stand_in.fail_status is not None:
                        self._answer(stand_in.fail_status, b"<h1>Fehler</h1>")
                        return
                    if stand_in.raw_answer is not None:
                        self._answer(200, stand_in.raw_answer)
                        return
                    handed = []
                    for entry in stand_in.entries:
                        receipt = str(uuid.uuid4())
                        stand_in.handed_out[receipt] = entry
                        handed.append({**entry, "_wireq_receipt": receipt})
                body = json.dumps({"entries": handed}).encode()
                self._answer(200, body, {"retry-after": "100"})

            def do_DELETE(self) -> None:
                receipt = self.path.removeprefix("/q/entry/")
                with stand_in.lock:
                    if receipt in stand_in.expired:
                        self._answer(410, b"")
                    elif receipt not in stand_in.handed_out:
                        self._answer(404, b"")
                    else:
                        entry = stand_in.handed_out.pop(receipt)
                        if entry in stand_in.entries:
                            stand_in.entries.remove(entry)
                        stand_in.deleted.append(receipt)
                        stand_in.acked_ids.append(entry.get("urn") or entry.get("guid"))
                        self._answer(204, b"")

            def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/q"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
