# expect: CWE-78
import logging
import os
import time

from flask import Flask, jsonify, request

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("NETTOOLS_SECRET", "")
log = logging.getLogger("nettools")

run = os.system

PING_COUNT = 3
TIMEOUT_S = 2


def _elapsed(start: float) -> float:
    return round(time.monotonic() - start, 3)


def _target_from(req) -> str:
    host = req.args.get("host", "").strip()
    return host or "localhost"


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/diag/ping")
def ping():
    started = time.monotonic()
    target = _target_from(request)
    cmd = f"ping -c {PING_COUNT} -W {TIMEOUT_S} {target} > /dev/null 2>&1"
    log.debug("diag ping requested")
    rc = run(cmd)
    return jsonify(target=target, reachable=(rc == 0), took=_elapsed(started))


@app.get("/diag/uptime")
def uptime():
    with open("/proc/uptime") as fh:
        seconds = float(fh.read().split()[0])
    return jsonify(uptime=seconds)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8081)
