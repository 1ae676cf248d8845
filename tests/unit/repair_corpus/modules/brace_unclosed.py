DEFAULTS = {
    "host": "localhost",
    "port": 8080,

def merged(overrides):
    out = dict(DEFAULTS)
    out.update(overrides)
    return out
