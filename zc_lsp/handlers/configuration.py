"""Editor settings: initializationOptions, `workspace/configuration` and `didChangeConfiguration`.

Each change re-reads every layer (files may have changed too), reports problems once, and swaps
the settings object in the services; parts read settings at use time, so nothing restarts.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from zc_lsp.config import load_settings
from zc_lsp.handlers.convert import path_to_uri

if TYPE_CHECKING:
    from zc_lsp.handlers.session import Session

log = logging.getLogger(__name__)
SECTION = "zombiecoder"


class ConfigurationFeature:
    """The editor's settings per folder, applied to that folder's services when they change."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.editor: dict[str, Any] = {}
        self.folder_editor: dict[Any, dict[str, Any]] = {}  # other workspace folders' settings, by root

    async def pull(self) -> None:
        """Ask the client for our section; fall back to initializationOptions."""
        editor = dict(self.session.server.initialization_options or {})
        if self.session.caps.configuration_pull:
            try:
                result = await asyncio.wait_for(
                    self.session.server.workspace_configuration_async(
                        types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
                    ),
                    timeout=5,
                )
                if result and isinstance(result[0], dict):
                    editor = _merge_editor(editor, result[0])
            except Exception as exc:
                log.warning("workspace/configuration failed: %s", exc)
        if editor != self.editor:
            self.apply(editor)

    async def pull_folder(self, root: Any, services: Any) -> None:
        """Another workspace folder's settings: the editor's for that folder (scopeUri), over initializationOptions."""
        editor = dict(self.session.server.initialization_options or {})
        if self.session.caps.configuration_pull:
            try:
                item = types.ConfigurationItem(section=SECTION, scope_uri=path_to_uri(root))
                result = await asyncio.wait_for(
                    self.session.server.workspace_configuration_async(types.ConfigurationParams(items=[item])),
                    timeout=5,
                )
                if result and isinstance(result[0], dict):
                    editor = _merge_editor(editor, result[0])
            except Exception as exc:
                log.warning("workspace/configuration for %s failed: %s", root, exc)
        if editor != self.folder_editor.get(root):
            self.folder_editor[root] = editor
            self.apply(editor, services)

    async def pull_all(self) -> None:
        """Every folder's settings again (didChangeConfiguration without the settings in it)."""
        await self.pull()
        for root, services in self.session.server.folders.items():
            if services is not self.session.services:
                await self.pull_folder(root, services)

    def apply(self, editor: dict[str, Any], services: Any = None) -> None:
        primary = services is None or services is self.session.services
        services = self.session.services if services is None else services
        if services is None:
            return
        old = services.settings
        settings = load_settings(services.workspace_root, editor)
        if primary:
            self.editor = editor
        services.settings = settings
        trust = editor.get("trust")
        editor_trusted = trust.get("trusted") if isinstance(trust, dict) else None
        if isinstance(editor_trusted, bool) or settings.get("trust.trusted") is not None:
            services.trust_from(settings, editor_trusted if isinstance(editor_trusted, bool) else services.trusted)
        if services.router is not None:  # the router rebuilds the providers whose settings changed
            services.router.reconfigure(settings)
        if primary:
            logging.getLogger("zc_lsp").setLevel(str(settings.log_level).upper())
        if [str(i) for i in settings.issues] != [str(i) for i in old.issues]:
            from zc_lsp.handlers.lifecycle import report_config_issues

            report_config_issues(self.session, settings)
        if services.memory is not None and not getattr(services.memory, "degraded", None):
            try:
                services.memory.audit.append("config_change", sources=settings.sources, issues=len(settings.issues))
            except Exception:
                log.exception("could not audit the config change")
        services.status.changed()


def _merge_editor(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_editor(out[key], value)
        elif value is not None:
            out[key] = value
    return out


def register(session: Session) -> None:
    server = session.server
    feature = session.configuration

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        primary = await session.wait_ready()
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
            # Push-style clients send the settings themselves (one set for every folder).
            pushed = _merge_editor(dict(server.initialization_options or {}), settings[SECTION])
            for _root, services in server.folders.items() or [(primary.workspace_root, primary)]:
                feature.apply(pushed, services)
        else:
            await feature.pull_all()
