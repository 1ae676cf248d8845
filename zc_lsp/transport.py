"""Stdio framing that fails loudly: a garbled frame or a dead client ends the process.

pygls' own loop skips what it cannot read and keeps listening, which leaves an editor waiting
forever on a server that lost the stream. Here a bad header or a body that is not JSON is fatal
(exit 1); a message that is JSON but not valid for its method is answered and the loop goes on.
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024 * 1024


class GarbledStream(Exception):
    """The byte stream from the client cannot be trusted any more."""


async def serve_frames(reader: Any, protocol: Any, should_stop: Any) -> int:
    """Read LSP frames until EOF or `exit`. Returns the process exit code."""
    while not should_stop():
        headers: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if not line:
                log.info("client closed the stream")
                return 0 if protocol._shutdown else 1
            if line in (b"\r\n", b"\n"):
                if headers:
                    break
                continue  # tolerate blank lines between frames
            name, sep, value = line.decode("ascii", errors="replace").partition(":")
            if not sep or not name.strip() or " " in name.strip():
                raise GarbledStream(f"bad header line {line[:80]!r}")
            headers[name.strip().lower()] = value.strip()
        try:
            length = int(headers["content-length"])
        except (KeyError, ValueError) as exc:
            raise GarbledStream(f"missing or bad Content-Length in {headers!r}") from exc
        if not 0 < length <= MAX_BODY:
            raise GarbledStream(f"Content-Length {length} out of range")
        body = await reader.readexactly(length)
        if len(body) < length:
            log.info("client closed the stream mid-message")
            return 1
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise GarbledStream(f"message body is not JSON: {exc}") from exc
        except Exception:
            # Valid JSON whose params do not fit a notification: nothing to reply to; log and go on.
            log.exception("unreadable notification dropped: %.200r", body)
            continue
        try:
            protocol.handle_message(message)
        except SystemExit as exc:  # the `exit` notification
            return int(exc.code or 0)
        except Exception:
            log.exception("failed to handle message %.200r", body)
    return 0
