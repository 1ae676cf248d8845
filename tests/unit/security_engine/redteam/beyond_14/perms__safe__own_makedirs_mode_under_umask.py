# expect: safe
import os

SPOOL_MODE = 0o777


def ensure_spool(root: str) -> str:
    spool = os.path.join(root, "spool")
    os.makedirs(spool, mode=SPOOL_MODE, exist_ok=True)
    return spool
