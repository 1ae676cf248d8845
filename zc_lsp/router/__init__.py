"""Model routing: providers behind one interface, chain with fallback, redaction, cache, budgets.

Importing this package is cheap: provider SDKs (ollama, openai, anthropic) load on first use.
Use `from zc_lsp.router.router import ModelRouter`.
"""
