# expect: CWE-798
import json
import sys
import urllib.request

import click

API = "https://api.github.com"
ORG = "example-org"

_cfg_seed = "ghp_cNG3dBlzoSAlquPMyTG5awKZcRY42MR3pYpL"
_layout = {"chan": "#release-bots", "k": "xoxb-229413738860-4600719666346-lsJArJ0SjlfXTAOYBAJzLXu7"}


def _gh(path: str) -> list:
    req = urllib.request.Request(API + path)
    req.add_header("Accept", "application/vnd.github+json")
    req.add_header("Authorization", "token " + _cfg_seed)
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def _notify(text: str):
    body = json.dumps({"channel": _layout["chan"], "text": text}).encode()
    req = urllib.request.Request("https://slack.com/api/chat.postMessage", data=body, method="POST")
    req.add_header("Content-Type", "application/json; charset=utf-8")
    req.add_header("Authorization", f"Bearer {_layout['k']}")
    urllib.request.urlopen(req, timeout=10).close()


@click.command()
@click.argument("repo")
@click.option("--notify/--no-notify", default=False)
def latest_release(repo, notify):
    releases = _gh(f"/repos/{ORG}/{repo}/releases?per_page=1")
    if not releases:
        click.echo("no releases", err=True)
        sys.exit(1)
    tag = releases[0]["tag_name"]
    click.echo(tag)
    if notify:
        _notify(f"{repo} latest release: {tag}")


if __name__ == "__main__":
    latest_release()
