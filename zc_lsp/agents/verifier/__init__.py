"""The verifier agent package."""
