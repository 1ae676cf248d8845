# expect: safe
import json
import os
from pathlib import Path

CREDENTIALS_DIR = Path.home() / ".config" / "acmecli"
CREDENTIALS_FILE = CREDENTIALS_DIR / "credentials.json"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
LOG_MODE = 0o640


def save_credentials(profile: str, data: dict):
    CREDENTIALS_DIR.mkdir(parents=True, exist_ok=True)
    os.chmod(CREDENTIALS_DIR, PRIVATE_DIR_MODE)
    existing = {}
    if CREDENTIALS_FILE.exists():
        existing = json.loads(CREDENTIALS_FILE.read_text())
    existing[profile] = data
    fd = os.open(CREDENTIALS_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(fd, "w") as fh:
        json.dump(existing, fh, indent=2)
    os.chmod(CREDENTIALS_FILE, PRIVATE_FILE_MODE)


def open_log(path: str):
    fh = open(path, "a")
    os.chmod(path, LOG_MODE)
    return fh


def check_mode(mode: int) -> int:
    if mode & 0o002 or mode == 0o777:
        raise ValueError("refusing mode %o" % mode)
    return mode
