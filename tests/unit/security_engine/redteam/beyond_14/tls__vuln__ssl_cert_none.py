# expect: CWE-295
import json
import ssl
import urllib.request
from base64 import b64encode

import click


def _context(ca_file=None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=ca_file)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _request(url: str, user: str, password: str):
    req = urllib.request.Request(url)
    token = b64encode(f"{user}:{password}".encode()).decode()
    req.add_header("Authorization", "Basic " + token)
    return req


@click.command()
@click.option("--url", default="https://esxi01.lab.example.com/rest/vcenter/vm")
@click.option("--user", envvar="VCENTER_USER", required=True)
@click.option("--password", envvar="VCENTER_PASSWORD", required=True)
@click.option("--ca-file", type=click.Path(exists=True), default=None)
def list_vms(url, user, password, ca_file):
    with urllib.request.urlopen(_request(url, user, password), context=_context(ca_file), timeout=20) as resp:
        data = json.load(resp)
    for vm in data.get("value", []):
        click.echo(f"{vm['vm']}\t{vm['name']}\t{vm.get('power_state', '?')}")


if __name__ == "__main__":
    list_vms()
