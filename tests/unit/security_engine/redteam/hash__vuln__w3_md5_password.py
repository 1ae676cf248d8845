# expect: CWE-328
import hashlib
import sqlite3
from contextlib import closing

import click

DB_PATH = "users.db"


def _connect():
    conn = sqlite3.connect(DB_PATH)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS users (username TEXT PRIMARY KEY, pw_hash TEXT NOT NULL, is_admin INTEGER DEFAULT 0)"
    )
    return conn


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode("utf-8")).hexdigest()


@click.group()
def cli():
    """User administration."""


@cli.command("add-user")
@click.argument("username")
@click.option("--admin", is_flag=True)
@click.password_option()
def add_user(username, admin, password):
    with closing(_connect()) as conn, conn:
        conn.execute(
            "INSERT INTO users (username, pw_hash, is_admin) VALUES (?, ?, ?)",
            (username, hash_password(password), int(admin)),
        )
    click.echo(f"created {username}")


@cli.command("check")
@click.argument("username")
@click.password_option(confirmation_prompt=False)
def check(username, password):
    with closing(_connect()) as conn:
        row = conn.execute("SELECT pw_hash FROM users WHERE username = ?", (username,)).fetchone()
    ok = row is not None and row[0] == hash_password(password)
    click.echo("ok" if ok else "mismatch")


if __name__ == "__main__":
    cli()
