"""ZombieCoder LSP: five AI agents behind one language server, local models first, useful offline."""

__version__ = "0.1.0"
