"""The ground floor: plain value types, cancellation and the workspace boundary.

Nothing here imports anything else of `zc_lsp` (tests/unit/test_architecture.py keeps it so), so the
router, memory, agents and handlers can all stand on it without import circles.
"""
