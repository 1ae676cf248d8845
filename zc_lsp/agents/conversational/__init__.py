"""The conversational agent package."""
