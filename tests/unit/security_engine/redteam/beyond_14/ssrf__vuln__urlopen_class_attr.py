# expect: CWE-918
import json
import urllib.request

from flask import Flask, jsonify, request

app = Flask(__name__)

STATUS_PATH = "/_status"


class NodeProbe:
    def __init__(self, host: str, port: int = 8500):
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{STATUS_PATH}"

    def fetch(self) -> dict:
        with urllib.request.urlopen(self.url, timeout=3) as resp:
            return json.loads(resp.read().decode())


@app.get("/cluster/probe")
def probe():
    host = request.args["node"]
    port = request.args.get("port", 8500, type=int)
    node = NodeProbe(host, port)
    try:
        status = node.fetch()
    except OSError as exc:
        return jsonify(node=host, healthy=False, error=str(exc)), 502
    return jsonify(node=host, healthy=status.get("healthy", False), raw=status)
