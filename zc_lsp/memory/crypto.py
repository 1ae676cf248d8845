"""Encryption at rest for memory content (Fernet), and where its key comes from.

The key is never stored. `keycheck.json` in the data folder holds only the salt (for passphrases)
and a token encrypting a fixed string: it tells a wrong key from a right one before anything is
read or written, so a wrong key is a clear error and destroys nothing. Once that file exists the
workspace counts as encrypted even if the setting is turned off later: plaintext and ciphertext
never mix silently.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: cryptography costs import time nobody without encryption needs
    from cryptography.fernet import Fernet

log = logging.getLogger(__name__)

KEY_ENV = "ZC_MEMORY_KEY"
KEYRING_SERVICE = "zombiecoder-memory"
KEYCHECK_FILE = "keycheck.json"
_CHECK_PLAINTEXT = b"zombiecoder-keycheck-v1"


class EncryptionKeyError(RuntimeError):
    """The key is missing or wrong; the message says what to do."""


def _is_fernet_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32 and len(value) == 44
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


def derive_key(passphrase: str, salt: bytes) -> bytes:
    """A Fernet key from a passphrase (scrypt, n=2**14: ~50 ms, once per workspace open)."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # noqa: PLC0415

    kdf = Scrypt(salt=salt, length=32, n=2**14, r=8, p=1)
    return base64.urlsafe_b64encode(kdf.derive(passphrase.encode("utf-8")))


def _keyring_secret(workspace_id: str) -> str | None:
    """The OS keyring's secret for this workspace, if the optional `keyring` package is present."""
    try:
        import keyring  # optional: not a dependency  # noqa: PLC0415
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, workspace_id) or keyring.get_password(
            KEYRING_SERVICE, "default")
    except Exception as exc:  # noqa: BLE001 - any backend failure just means "no key there"
        log.warning("OS keyring unavailable: %s", exc)
        return None


class Cipher:
    """Encrypts and decrypts strings for one workspace."""

    def __init__(self, fernet: Fernet) -> None:
        self._fernet = fernet

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        from cryptography.fernet import InvalidToken  # noqa: PLC0415

        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise EncryptionKeyError("an encrypted memory row does not decrypt with this key") from exc


def is_encrypted_folder(folder: Path) -> bool:
    return (folder / KEYCHECK_FILE).exists()


def load_cipher(folder: Path, workspace_id: str, env: Mapping[str, str] | None = None) -> Cipher:
    """The workspace's cipher: from ZC_MEMORY_KEY (Fernet key or passphrase) or the OS keyring.

    First use writes keycheck.json; later uses check the key against it. Raises EncryptionKeyError with a
    user-facing message when no key is configured or the key does not match.
    """
    from cryptography.fernet import Fernet, InvalidToken  # noqa: PLC0415

    env = os.environ if env is None else env
    secret = env.get(KEY_ENV) or _keyring_secret(workspace_id)
    if not secret:
        raise EncryptionKeyError(
            f"memory encryption is on but no key was found: set {KEY_ENV} (a Fernet key or a "
            f"passphrase) or store one in the OS keyring (service {KEYRING_SERVICE!r}); "
            "memory stays off until then and nothing was changed"
        )
    path = folder / KEYCHECK_FILE
    record: dict[str, str] = {}
    if path.exists():
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EncryptionKeyError(f"{path} cannot be read ({exc}); it was left untouched") from exc
    if _is_fernet_key(secret):
        key = secret.encode("ascii")
        kind = "fernet"
    else:
        salt_b64 = record.get("salt") or base64.b64encode(secrets.token_bytes(16)).decode("ascii")
        key = derive_key(secret, base64.b64decode(salt_b64))
        record["salt"] = salt_b64
        kind = "passphrase"
    fernet = Fernet(key)
    if "check" in record:
        try:
            ok = fernet.decrypt(record["check"].encode("ascii")) == _CHECK_PLAINTEXT
        except InvalidToken:
            ok = False
        if not ok:
            raise EncryptionKeyError(
                f"the memory key ({KEY_ENV} or keyring) does not match the key this workspace's "
                f"memory was encrypted with (see {path}); memory is off and nothing was changed"
            )
    else:
        record.update(check=fernet.encrypt(_CHECK_PLAINTEXT).decode("ascii"), kind=kind)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, path)
    return Cipher(fernet)
