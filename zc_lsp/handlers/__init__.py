"""LSP handlers: thin; each module exposes `register(server)`."""
