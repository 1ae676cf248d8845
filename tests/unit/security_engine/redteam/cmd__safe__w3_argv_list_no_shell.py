# expect: safe
import ipaddress
import subprocess

from flask import Flask, abort, jsonify, request

app = Flask(__name__)

TRACEROUTE = "/usr/sbin/traceroute"
MAX_HOPS = 20


def _parse_host(raw: str) -> str:
    raw = (raw or "").strip()
    if not raw or raw.startswith("-"):
        abort(400, "bad host")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        if len(raw) > 253 or not all(c.isalnum() or c in ".-" for c in raw):
            abort(400, "bad host")
        return raw


@app.get("/trace")
def trace():
    host = _parse_host(request.args.get("host"))
    argv = [TRACEROUTE, "-m", str(MAX_HOPS), "-w", "2", "--", host]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    hops = [line for line in proc.stdout.splitlines()[1:] if line.strip()]
    return jsonify(host=host, hops=hops, rc=proc.returncode)


@app.get("/version")
def version():
    proc = subprocess.run([TRACEROUTE, "--version"], capture_output=True, text=True)
    return jsonify(version=proc.stdout.strip() or proc.stderr.strip())
