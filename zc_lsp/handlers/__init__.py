"""LSP handlers: thin; each module exposes `register(session)` and shares what it needs through the Session."""
