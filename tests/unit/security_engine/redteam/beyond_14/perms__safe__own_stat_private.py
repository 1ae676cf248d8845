# expect: safe
import os
import stat

PRIVATE = stat.S_IRUSR | stat.S_IWUSR


def store_key(path: str, blob: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(blob)
    os.chmod(path, PRIVATE)
