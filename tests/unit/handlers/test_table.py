"""The handler table: the initialize reply advertises what the handler modules serve, before they load."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.feature_manager import FeatureManager
from pygls.protocol import default_converter

from zc_lsp.app import create_server
from zc_lsp.handlers import table
from zc_lsp.server import ZcLanguageServer

# The capabilities of the initialize reply before the table existed (every handler module imported
# and registered first), for a client that announces no capabilities. Recorded from that server.
RECORDED = {
    "positionEncoding": "utf-16",
    "textDocumentSync": {"openClose": True, "change": 2, "save": {"includeText": False}},
    "codeActionProvider": {
        "codeActionKinds": [
            "quickfix",
            "refactor",
            "refactor.rewrite",
            "source",
            "source.fixAll",
            "source.fixAll.zombiecoder",
            "source.format.zombiecoder",
        ],
        "resolveProvider": True,
    },
    "executeCommandProvider": {
        "commands": [
            "zc.review",
            "zc.runTests",
            "zc.explain",
            "zc.explainFinding",
            "zc.status",
            "zc.doctor",
            "zc.speak",
            "zc.applyCodeAction",
            "zc.applyEdit",
            "zc.report",
            "zc.chat",
            "zc.chat.stop",
            "zc.chat.history",
            "zc.chat.clear",
            "zc.chat.applyBlock",
            "zc.ackAlert",
            "zc.resolveAlert",
            "zc.memory.search",
            "zc.memory.wipe",
            "zc.scheduler.list",
            "zc.scheduler.run",
            "zc.scheduler.pause",
            "zc.batch.submit",
            "zc.batch.list",
            "zc.batch.cancel",
            "zc.generate",
            "zc.generateTests",
        ]
    },
    "inlineCompletionProvider": {},
    "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True}, "fileOperations": {}},
}


def advertised(server: ZcLanguageServer, client: types.ClientCapabilities | None = None) -> dict[str, Any]:
    """What pygls' `initialize` would reply with now (language_server.lsp_initialize, same inputs)."""
    fm = server.protocol.fm
    client = client or types.ClientCapabilities()
    caps = ServerCapabilitiesBuilder(
        client,
        set({**fm.features, **fm.builtin_features}),
        fm.feature_options,
        list(fm.commands),
        server._text_document_sync_kind,
        server._notebook_document_sync,
        ServerCapabilitiesBuilder.choose_position_encoding(client),
    ).build()
    return json.loads(json.dumps(server.protocol._converter.unstructure(caps)))


@pytest.fixture(scope="module")
def lazy() -> ZcLanguageServer:
    return create_server()


@pytest.fixture(scope="module")
def eager() -> ZcLanguageServer:
    return create_server(load_handlers=True)


def test_the_reply_before_any_handler_module_loads_is_the_recorded_one(lazy: ZcLanguageServer) -> None:
    assert not lazy.session.handlers.loaded
    assert advertised(lazy) == RECORDED


def test_the_reply_is_the_same_once_every_handler_module_registered_itself(
    lazy: ZcLanguageServer, eager: ZcLanguageServer
) -> None:
    assert eager.session.handlers.loaded
    assert set(eager.protocol.fm.features) == set(lazy.protocol.fm.features)
    assert list(eager.protocol.fm.commands) == list(lazy.protocol.fm.commands)
    assert advertised(eager) == advertised(lazy) == RECORDED


def test_loading_replaces_every_stand_in_and_registers_nothing_undeclared(eager: ZcLanguageServer) -> None:
    loader = eager.session.handlers
    assert loader.undeclared == []  # a handler missing from the table would not be advertised
    assert loader.unavailable == {}
    fm = eager.protocol.fm
    stand_ins = [m for m, fn in [*fm.features.items(), *fm.commands.items()] if fn.__name__ == "stand_in"]
    assert stand_ins == []


def test_every_declared_option_passes_pygls_own_type_check() -> None:
    """The loader writes the options straight into pygls' table; pygls' decorator would have checked them."""
    fm = FeatureManager(converter=default_converter())
    for route in table.ROUTES:
        fm.feature(route.method, route.options)(lambda params: None)
    assert {r.method for r in table.ROUTES if r.options is not None} == set(fm.feature_options)


def test_plug_in_commands_follow_the_hand_written_ones(lazy: ZcLanguageServer) -> None:
    names = table.commands(lazy.registry)
    assert names[: len(table.COMMANDS)] == list(table.COMMANDS)
    declared = [a.command for _, a in lazy.registry.actions() if a.command]
    assert set(declared) <= set(names) and len(names) == len(set(names))
