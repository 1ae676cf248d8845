"""The best_practices agent package."""
