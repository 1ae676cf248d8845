"""Ask once before an explicit "Run tests" executes code of a workspace nobody has trusted.

When neither the editor nor the user's config says anything about trust, the workspace is
untrusted (a cloned repo cannot vouch for itself). An explicit run then asks with
`window/showMessageRequest`; the answer is remembered: "Trust" and "Don't run" in user-level
state for that workspace (core.trust_store), "Run this time" for this session. Automatic runs
(on save, background, verification) never ask: they need trust.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from pathlib import Path

    from zc_lsp.handlers.session import Session
    from zc_lsp.services import Services

log = logging.getLogger(__name__)
RUN_ONCE = "Run this time"
TRUST = "Trust this workspace"
DONT_RUN = "Don't run"
ANSWER_TIMEOUT_S = 600.0
NOT_RUN = "The tests were not run: this workspace is not trusted"


async def may_run_user_tests(session: Session, services: Services | None = None) -> str | None:
    """None when an explicit test run may go ahead; otherwise why it may not (for the reply).

    `services`: the workspace folder whose tests would run (multi-root); the first folder's by default.
    """
    services = session.started() if services is None else services
    if services.trusted is not None:
        return None  # True runs; False is refused by the verifier with its own message
    state = session.trust_prompt
    async with state.lock:  # two quick "Run tests" ask once, not twice
        if str(services.workspace_root) in state.run_once or services.trusted is not None:
            return None
        root = services.workspace_root
        stored = await asyncio.to_thread(stored_trust_in_thread, root)
        if stored is not None:
            services.trusted = stored
            return None if stored else f"{NOT_RUN} (you chose not to run its code)."
        message = (
            f"Run this workspace's tests? It is not marked as trusted: running its tests executes its code "
            f"(conftest.py, the tests and what they import) with your permissions. Workspace: {root}"
        )
        params = types.ShowMessageRequestParams(
            type=types.MessageType.Warning,
            message=message,
            actions=[types.MessageActionItem(title=t) for t in (RUN_ONCE, TRUST, DONT_RUN)],
        )
        try:
            choice = await asyncio.wait_for(session.server.window_show_message_request_async(params), ANSWER_TIMEOUT_S)
        except (TimeoutError, Exception) as exc:  # a client that cannot answer: not running is the safe side
            log.warning("could not ask whether to trust %s: %s", root, exc)
            return f"{NOT_RUN}, and the editor did not answer the question ({type(exc).__name__})."
        title = getattr(choice, "title", None)
        log.info("trust prompt for %s answered: %s", root, title)
        if title == RUN_ONCE:
            state.run_once.add(str(root))
            return None
        if title in (TRUST, DONT_RUN):
            trusted = title == TRUST
            await asyncio.to_thread(_remember_trust, root, trusted)
            services.trusted = trusted
            return None if trusted else f"{NOT_RUN} (you chose not to run its code)."
        return f"{NOT_RUN} (the question was dismissed)."


# The trust store (platformdirs, tempfile with shutil, bz2, lzma) is imported in the worker thread on first
# use: a workspace the editor already trusts never needs it (issue 15, idle RSS). Call these with
# asyncio.to_thread; start-up (handlers/lifecycle.py, handlers/folders.py) uses the first one too.
def stored_trust_in_thread(root: Path) -> bool | None:
    from zc_lsp.core.trust_store import stored_trust

    return stored_trust(root)


def _remember_trust(root: Path, trusted: bool) -> None:
    from zc_lsp.core.trust_store import remember_trust

    remember_trust(root, trusted)
