"""Stdio framing that fails loudly, read by an asyncio StreamReader (no thread pool hop per frame).

pygls' own loop skips what it cannot read and keeps listening, which leaves an editor waiting
forever on a server that lost the stream. Here a bad header or EOF mid-body is fatal (exit 1);
a body that is not JSON gets a -32700 reply and the session goes on (JSON-RPC 2.0), because the
framing, and so the stream, is still intact.
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import stat
import sys
from typing import Any

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024 * 1024
MAX_HEADER_LINE = 64 * 1024


class GarbledStream(Exception):
    """The byte stream from the client cannot be trusted any more."""


async def stdin_reader(stdin: Any = None) -> Any:
    """An asyncio StreamReader on stdin; a regular file (not pollable) falls back to pygls' pool reader."""
    stream = stdin or sys.stdin.buffer
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_HEADER_LINE)
    try:
        if not _pollable(stream.fileno()):
            raise OSError("it cannot be polled")
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stream)
    except (ValueError, OSError, NotImplementedError, AttributeError) as exc:
        from pygls.io_ import StdinAsyncReader

        log.info("stdin is not a pipe (%s): reading it through a thread", exc)
        return StdinAsyncReader(stream)
    return reader


def _pollable(fd: int) -> bool:
    """Whether the loop can watch `fd`. asyncio accepts any character device (e.g. /dev/null) but
    registers it only later, in a callback, where epoll's EPERM would be logged and stdin never read."""
    mode = os.fstat(fd).st_mode
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return True
    if not stat.S_ISCHR(mode) or not hasattr(select, "epoll"):
        return False
    probe = select.epoll()
    try:
        probe.register(fd, select.EPOLLIN)
    except OSError:
        return False
    finally:
        probe.close()
    return True


async def read_frame(reader: Any) -> bytes | None:
    """One frame's body; None at a clean EOF between frames. Raises GarbledStream on bad framing."""
    headers: dict[str, str] = {}
    while True:
        try:
            line = await reader.readline()
        except (ValueError, asyncio.LimitOverrunError) as exc:
            raise GarbledStream(f"header line too long: {exc}") from exc
        if not line:
            if headers:
                raise GarbledStream("stream closed inside a header")
            return None
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
    try:
        body = await reader.readexactly(length)
    except asyncio.IncompleteReadError as exc:
        raise GarbledStream(f"stream closed mid-body ({len(exc.partial)} of {length} bytes)") from exc
    if len(body) < length:
        raise GarbledStream(f"stream closed mid-body ({len(body)} of {length} bytes)")
    return body


async def serve_frames(reader: Any, protocol: Any, should_stop: Any) -> int:
    """Read LSP frames until EOF or `exit`. Returns the process exit code."""
    while not should_stop():
        body = await read_frame(reader)
        if body is None:
            log.info("client closed the stream")
            return 0 if protocol._shutdown else 1
        try:
            protocol.receive_body(body)
        except SystemExit as exc:  # the `exit` notification
            return int(exc.code or 0)
        except Exception:
            log.exception("failed to handle message %.200r", body)
    return 0
