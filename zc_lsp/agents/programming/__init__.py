"""The programming agent package."""
