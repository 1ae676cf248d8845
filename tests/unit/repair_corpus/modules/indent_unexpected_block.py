def load(text):
    with __import__("io").StringIO(text) as fh:
        data = fh.read()
            lines = data.splitlines()
            return [ln for ln in lines if ln]
