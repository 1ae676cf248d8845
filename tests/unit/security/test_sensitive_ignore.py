"""Ignore rules and the sensitive-file list (zc_lsp.core.ignore)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zc_lsp.core.ignore import IgnoreRules

SENSITIVE = [
    ".env",
    ".env.local",
    "deploy/.env.production",
    "app/prod.env",
    ".envrc",
    "secrets/db.yaml",
    "config/secrets/nested/token.txt",
    ".streamlit/secrets.toml",
    "certs/server.pem",
    "tls/private.key",
    "store/cert.p12",
    "store/cert.pfx",
    "home/.ssh/id_rsa",
    "id_ed25519",
    "keys/id_ecdsa_sk",
    "id_rsa.pub",
    ".netrc",
    "u/.pgpass",
    ".npmrc",
    "pkg/.pypirc",
    "credentials",
    "gcp/credentials.json",
    "vault.kdbx",
    ".aws/credentials",
    "ci/.docker/config.json",
    "service-account.json",
    "infra/my-service-account-prod.json",
    ".git-credentials",
    "terraform/prod.tfvars",
    "config/master.key",
    "home/.config/gh/hosts.yml",
    "home/.bash_history",
    ".zsh_history",
    "home/.python_history",
    "etc/shadow",
    "home/.local/share/keyrings/login.keyring",
    "profile/logins.json",
    "profile/key4.db",
    "home/.my.cnf",
    "home/.config/zombiecoder/config.yaml",
    "backup/rclone.conf",
]

ORDINARY = [
    "src/main.py",
    "id_utils.py",
    "src/id_map.ts",
    "settings.py",
    "README.md",
    "docs/environment.md",
    "config/app.yaml",
    "tests/test_keys.py",
    "src/keyboard.py",
    "package.json",
    "src/history.py",
    "src/chat_history.py",
    "src/shadow.py",
    "docs/keyring.md",
]


@pytest.fixture()
def empty_ws(tmp_path: Path) -> IgnoreRules:
    return IgnoreRules.load(tmp_path)


@pytest.mark.parametrize("rel", SENSITIVE)
def test_builtin_credential_files_are_sensitive_at_any_depth(empty_ws: IgnoreRules, rel: str) -> None:
    assert empty_ws.sensitive(rel), rel
    assert empty_ws.sensitive(empty_ws.root / "deep" / "er" / rel), rel
    assert empty_ws.error is None


@pytest.mark.parametrize("rel", ORDINARY)
def test_ordinary_source_files_are_not_sensitive(empty_ws: IgnoreRules, rel: str) -> None:
    assert not empty_ws.sensitive(rel), empty_ws.reason(rel)
    assert not empty_ws.ignored(rel)


def test_reason_names_the_file_for_the_user(empty_ws: IgnoreRules) -> None:
    why = empty_ws.reason("a/.env")
    assert why is not None and ".env" in why


def test_file_uri_and_absolute_paths(empty_ws: IgnoreRules) -> None:
    uri = (empty_ws.root / "x" / ".env").as_uri()
    assert empty_ws.sensitive(uri)
    assert not empty_ws.sensitive((empty_ws.root / "x" / "ok.py").as_uri())


def test_zombiecoderignore_names_sensitive_files_at_any_depth(tmp_path: Path) -> None:
    (tmp_path / ".zombiecoderignore").write_text("*.dump\ncustomer-data/\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / ".zombiecoderignore").write_text("private.py\n")
    rules = IgnoreRules.load(tmp_path)
    assert rules.sensitive("db/prod.dump")
    assert rules.sensitive("a/customer-data/list.csv")
    assert rules.sensitive("pkg/private.py")
    assert rules.sensitive("pkg/sub/private.py")
    assert not rules.sensitive("private.py"), "pkg's file applies only below pkg/"
    assert rules.ignored("db/prod.dump")
    assert "zombiecoderignore" in (rules.reason("pkg/private.py") or "")


def test_gitignore_ignores_but_is_not_sensitive(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("build/\n*.log\n!keep.log\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / ".gitignore").write_text("generated_*.py\n")
    rules = IgnoreRules.load(tmp_path)
    assert rules.ignored("build/out.py")
    assert rules.ignored("a/b/c.log")
    assert not rules.ignored("keep.log")
    assert rules.ignored("src/generated_api.py")
    assert not rules.ignored("generated_api.py")
    assert not rules.sensitive("build/out.py")


def test_files_inside_an_excluded_folder_cannot_be_reincluded(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("vendor/\n!vendor/keep.py\n")
    rules = IgnoreRules.load(tmp_path)
    assert rules.ignored("vendor/keep.py")


def test_ignore_files_inside_ignored_folders_are_not_loaded(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    nm = tmp_path / "node_modules" / "pkg"
    nm.mkdir(parents=True)
    (nm / ".zombiecoderignore").write_text("\\\n")  # broken, but never read
    rules = IgnoreRules.load(tmp_path)
    assert rules.error is None
    assert not rules.sensitive("src/app.py")


@pytest.mark.parametrize(
    "content",
    [b"!\n", b"ok.txt\nfoo\\\n", b"\xff\xfe\x00bad", b"\x00\x01binary"],
    ids=["bare-bang", "trailing-backslash", "not-utf8", "binary"],
)
def test_broken_ignore_file_fails_closed(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".zombiecoderignore").write_bytes(content)
    rules = IgnoreRules.load(tmp_path)
    assert rules.error is not None
    assert ".zombiecoderignore" in rules.error
    assert rules.sensitive("src/plain.py")
    assert "ignore file" in (rules.reason("README.md") or "")


def test_ignore_file_that_is_a_folder_fails_closed(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").mkdir()
    rules = IgnoreRules.load(tmp_path)
    assert rules.error is not None and ".gitignore" in rules.error
    assert rules.sensitive("main.py")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of mode")
def test_unreadable_ignore_file_fails_closed(tmp_path: Path) -> None:
    f = tmp_path / ".zombiecoderignore"
    f.write_text("*.csv\n")
    f.chmod(0)
    try:
        rules = IgnoreRules.load(tmp_path)
    finally:
        f.chmod(0o600)
    assert rules.error is not None and "PermissionError" in rules.error
    assert rules.sensitive("main.py")


def test_symlink_to_a_sensitive_file_is_sensitive(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TOKEN=x\n")
    (tmp_path / "notes.txt").symlink_to(tmp_path / ".env")
    rules = IgnoreRules.load(tmp_path)
    assert rules.sensitive("notes.txt")
    assert rules.sensitive(tmp_path / "notes.txt")


def test_paths_outside_the_root_still_get_the_builtin_list(tmp_path: Path) -> None:
    rules = IgnoreRules.load(tmp_path / "ws")
    assert rules.sensitive("/home/someone/.ssh/id_rsa")
    assert rules.sensitive("/etc/app/.env")
    assert not rules.sensitive("/usr/lib/python3/os.py")


def test_dangling_symlink_ignore_file_fails_closed(tmp_path: Path) -> None:
    (tmp_path / ".zombiecoderignore").symlink_to(tmp_path / "missing")
    rules = IgnoreRules.load(tmp_path)
    assert rules.error is not None and ".zombiecoderignore" in rules.error
    assert rules.sensitive("main.py")
