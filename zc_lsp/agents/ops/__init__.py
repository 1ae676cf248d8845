"""The ops agent package."""
