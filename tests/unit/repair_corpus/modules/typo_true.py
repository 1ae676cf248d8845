def flags():
    return {"a": true, "b": False}
