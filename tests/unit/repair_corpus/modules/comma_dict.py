def settings():
    return {"debug": True "level": 3}
