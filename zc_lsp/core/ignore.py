"""Workspace ignore rules and the list of files that must never become model context.

Why one module: the workspace walker (what to list), the prompt builders (what may be sent)
and the edit guard (what may be written) must agree on the same answer for the same path.
It depends on the standard library and pathspec only, so any layer can import it.

Rules:
- ``.gitignore`` and ``.zombiecoderignore`` are read at any depth, gitignore syntax
  (pathspec's ``GitIgnoreSpec``), each relative to its own folder; deeper files win.
- What ``.zombiecoderignore`` names is ignored *and* sensitive; ``.gitignore`` only ignores.
- A built-in list names credential files (``.env*``, ``secrets/``, keys, ``.netrc`` ...).
- A broken or unreadable ignore file fails closed: every path counts as sensitive and
  ``error`` says which file and why, so the user can be told why nothing was sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import pathspec

from zc_lsp.core.files import read_bounded

IGNORE_FILES = (".gitignore", ".zombiecoderignore")
ZC_IGNORE = ".zombiecoderignore"

# Gitignore syntax; a pattern without "/" matches at any depth.
SENSITIVE_PATTERNS: tuple[str, ...] = (
    ".env",
    ".env*",
    "*.env",
    ".envrc",
    "secrets/",
    ".secrets/",
    "secret/",
    "secrets.*",
    "*.secret",
    "*.secrets",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.keytab",
    "*.kdbx",
    "*.kdb",
    "*.ppk",
    "*.gpg",
    "*.pgp",
    "*.age",
    "id_*",
    "*.ovpn",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".npmrc",
    ".yarnrc.yml",
    ".pypirc",
    ".git-credentials",
    ".gitcredentials",
    ".dockercfg",
    "**/.docker/config.json",
    ".htpasswd",
    ".vault-token",
    ".boto",
    ".s3cfg",
    ".ssh/",
    ".gnupg/",
    ".aws/",
    ".azure/",
    "**/.kube/config",
    "kubeconfig",
    "**/.config/gcloud/",
    "credentials*",
    "*credentials.json",
    "*credentials.yml",
    "*credentials.yaml",
    "*.credentials",
    "*service-account*.json",
    "*service_account*.json",
    "*serviceaccount*.json",
    "client_secret*.json",
    "master.key",
    "*.tfvars",
    "*.tfstate",
    "*.tfstate.*",
    "wallet.dat",
    # Tokens of CLIs and desktop stores, and shell/REPL histories (passwords typed on command lines)
    "**/.config/gh/hosts.yml",
    "**/.config/hub",
    "**/.config/zombiecoder/",
    "**/.local/share/keyrings/",
    "*.keyring",
    "*.keychain",
    "*.keychain-db",
    "logins.json",
    "key[34].db",
    "*_history",
    ".histfile",
    "*.history",
    ".lesshst",
    "shadow",
    "gshadow",
    "shadow-",
    "gshadow-",
    ".my.cnf",
    ".mylogin.cnf",
    ".cargo/credentials*",
    ".gem/credentials",
    ".terraformrc",
    ".config/rclone/rclone.conf",
    "rclone.conf",
)

# "id_*" is meant for SSH keys (id_rsa, id_ed25519, id_ecdsa_sk); source files such as
# id_utils.py or id_map.ts are ordinary code.
_ID_CODE_SUFFIXES = frozenset(
    [
        ".py",
        ".pyi",
        ".js",
        ".mjs",
        ".cjs",
        ".ts",
        ".tsx",
        ".jsx",
        ".go",
        ".rs",
        ".java",
        ".kt",
        ".c",
        ".h",
        ".cc",
        ".cpp",
        ".hpp",
        ".rb",
        ".php",
        ".cs",
        ".swift",
        ".md",
        ".rst",
        ".html",
        ".css",
        ".scss",
        ".vue",
        ".svelte",
        ".sql",
        ".lua",
        ".sh",
    ]
)

_BUILTIN = pathspec.GitIgnoreSpec.from_lines(SENSITIVE_PATTERNS)
_BUILTIN_NO_ID = pathspec.GitIgnoreSpec.from_lines(p for p in SENSITIVE_PATTERNS if p != "id_*")
_SKIP_DIRS = frozenset({".git", ".hg", ".svn"})
_MAX_IGNORE_BYTES = 1_000_000


@dataclass(frozen=True)
class _Layer:
    """One ignore file: the folder it applies to (posix, relative to root) and its spec."""

    base: str
    spec: pathspec.GitIgnoreSpec
    sensitive: bool


@dataclass
class IgnoreRules:
    """Answers "is this path ignored / sensitive" for one workspace root."""

    root: Path
    layers: list[_Layer] = field(default_factory=list)
    error: str | None = None
    files: list[Path] = field(default_factory=list)

    @classmethod
    def load(cls, root: str | os.PathLike[str], *, walk: bool = True) -> IgnoreRules:
        """Read every ignore file under ``root`` (pruning ignored folders, as git does)."""
        rules = cls(root=Path(root).resolve())
        rules._load_dir(rules.root)
        if walk and rules.root.is_dir():
            for current, dirs, _files in os.walk(rules.root):
                here = Path(current)
                kept = []
                for name in sorted(dirs):
                    sub = here / name
                    if name in _SKIP_DIRS or sub.is_symlink():
                        continue
                    if rules._match_layers(rules._rel(sub), is_dir=True)[0]:
                        continue
                    rules._load_dir(sub)
                    kept.append(name)
                dirs[:] = kept
        return rules

    # -- loading -----------------------------------------------------------------
    def _load_dir(self, folder: Path) -> None:
        for name in IGNORE_FILES:
            path = folder / name
            if not (path.exists() or path.is_symlink()):
                continue
            self.files.append(path)
            try:
                spec = pathspec.GitIgnoreSpec.from_lines(_read_lines(path))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                self._fail(path, exc)
                continue
            base = self._rel(folder)
            self.layers.append(_Layer(base="" if base == "." else base, spec=spec, sensitive=name == ZC_IGNORE))

    def _fail(self, path: Path, exc: Exception) -> None:
        why = f"{path}: {type(exc).__name__}: {exc}"
        self.error = why if self.error is None else f"{self.error}; {why}"

    # -- queries -----------------------------------------------------------------
    def ignored(self, path: str | os.PathLike[str]) -> bool:
        """True when a .gitignore / .zombiecoderignore excludes the path (or a parent folder)."""
        rel = self._rel(_as_path(path))
        if rel is None:
            return False
        return self._match_layers(rel, is_dir=_is_dir(self.root / rel))[0]

    def sensitive(self, path: str | os.PathLike[str]) -> bool:
        """True when the path must never be read into a prompt."""
        return self.reason(path) is not None

    def reason(self, path: str | os.PathLike[str]) -> str | None:
        """Why the path is sensitive, in words for the user; None when it may be sent."""
        if self.error is not None:
            return f"an ignore file could not be read, so nothing is sent ({self.error})"
        given = _as_path(path)
        candidates = [given]
        try:
            real = (given if given.is_absolute() else self.root / given).resolve()
            if real != given:
                candidates.append(real)
        except (OSError, RuntimeError):
            pass
        for cand in candidates:
            why = self._reason_one(cand)
            if why:
                return why
        return None

    def _reason_one(self, path: Path) -> str | None:
        rel = self._rel(path)
        target = rel if rel is not None else path.as_posix().lstrip("/")
        prefixes = _prefixes(target)
        for i, prefix in enumerate(prefixes):
            last = i == len(prefixes) - 1
            if _builtin_match(prefix, is_dir=not last) or (last and _builtin_match(prefix, is_dir=True)):
                return f"matches the built-in list of credential files ({PurePosixPath(prefix).name})"
        if rel is not None:
            hit, layer = self._match_layers(rel, is_dir=_is_dir(self.root / rel), sensitive_only=True)
            if hit and layer is not None:
                return f"named in {ZC_IGNORE}" + (f" of {layer.base}/" if layer.base else "")
        return None

    # -- helpers -----------------------------------------------------------------
    def _rel(self, path: Path) -> str | None:
        """Posix path relative to root, or None when the path is outside it."""
        if not path.is_absolute():
            path = self.root / path
        try:
            rel = Path(os.path.normpath(path)).relative_to(self.root)
        except ValueError:
            try:
                rel = path.resolve().relative_to(self.root)
            except (ValueError, OSError, RuntimeError):
                return None
        return rel.as_posix()

    def _match_layers(self, rel: str, *, is_dir: bool, sensitive_only: bool = False) -> tuple[bool, _Layer | None]:
        """Git semantics: a folder excluded excludes all below it; otherwise the last match wins."""
        if rel in ("", "."):
            return False, None
        parts = PurePosixPath(rel).parts
        for depth in range(1, len(parts) + 1):
            sub = "/".join(parts[:depth])
            sub_is_dir = depth < len(parts) or is_dir
            decided: bool | None = None
            by: _Layer | None = None
            for layer in self.layers:
                if sensitive_only and not layer.sensitive:
                    continue
                if layer.base and not (sub + "/").startswith(layer.base + "/"):
                    continue
                local = sub[len(layer.base) + 1 :] if layer.base else sub
                if not local:
                    continue
                result = layer.spec.check_file(local + ("/" if sub_is_dir else ""))
                if result.include is not None:
                    decided, by = result.include, layer
            if decided:
                return True, by
        return False, None


def _builtin_match(rel: str, *, is_dir: bool) -> bool:
    name = PurePosixPath(rel).name
    spec = _BUILTIN
    if name.startswith("id_") and PurePosixPath(name).suffix.lower() in _ID_CODE_SUFFIXES:
        spec = _BUILTIN_NO_ID
    return spec.match_file(rel + "/" if is_dir else rel)


def _prefixes(rel: str) -> list[str]:
    parts = PurePosixPath(rel).parts
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _read_lines(path: Path) -> list[str]:
    if path.is_dir():
        raise IsADirectoryError(f"{path.name} is a folder, not a file")
    data = read_bounded(path, _MAX_IGNORE_BYTES)  # a symlink to /dev/zero or a FIFO is refused
    if b"\x00" in data:
        raise ValueError("binary content (NUL byte)")
    return data.decode("utf-8-sig").splitlines()


def _as_path(path: str | os.PathLike[str]) -> Path:
    text = os.fspath(path)
    if text.startswith("file:"):
        text = unquote(urlparse(text).path)
    return Path(text)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def load_ignore(root: str | os.PathLike[str]) -> IgnoreRules:
    """Convenience entry point for the walker and the prompt guard."""
    return IgnoreRules.load(root)
