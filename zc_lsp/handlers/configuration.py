"""Editor settings: initializationOptions, `workspace/configuration` and `didChangeConfiguration`.

Each change re-reads every layer (files may have changed too), reports problems once, and swaps
the settings object in the services; parts read settings at use time, so nothing restarts.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types

from zc_lsp.config import load_settings

log = logging.getLogger(__name__)
SECTION = "zombiecoder"


class ConfigurationFeature:
    def __init__(self, ls: Any) -> None:
        self.ls = ls
        self.editor: dict[str, Any] = {}

    def _client_can_pull(self) -> bool:
        try:
            ws = self.ls.client_capabilities.workspace
            return bool(ws and ws.configuration)
        except Exception:
            return False

    async def pull(self) -> None:
        """Ask the client for our section; fall back to initializationOptions."""
        editor = dict(self.ls.initialization_options or {})
        if self._client_can_pull():
            try:
                result = await asyncio.wait_for(
                    self.ls.workspace_configuration_async(
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

    def apply(self, editor: dict[str, Any]) -> None:
        services = self.ls.services
        if services is None:
            return
        old = services.settings
        settings = load_settings(services.workspace_root, editor)
        self.editor = editor
        services.settings = settings
        trust = editor.get("trust")
        editor_trusted = trust.get("trusted") if isinstance(trust, dict) else None
        if isinstance(editor_trusted, bool) or settings.get("trust.trusted") is not None:
            services.trust_from(settings, editor_trusted if isinstance(editor_trusted, bool) else services.trusted)
        reconfigure = getattr(services.router, "reconfigure", None)
        if callable(reconfigure):
            reconfigure(settings)
        logging.getLogger("zc_lsp").setLevel(str(settings.log_level).upper())
        if [str(i) for i in settings.issues] != [str(i) for i in old.issues]:
            from zc_lsp.handlers.lifecycle import report_config_issues

            report_config_issues(self.ls, settings)
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


def register(ls: Any) -> None:
    feature = ConfigurationFeature(ls)
    ls.features["configuration"] = feature

    @ls.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        await ls.wait_ready()
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
            # Push-style clients send the settings themselves.
            feature.apply(_merge_editor(dict(ls.initialization_options or {}), settings[SECTION]))
        else:
            await feature.pull()
