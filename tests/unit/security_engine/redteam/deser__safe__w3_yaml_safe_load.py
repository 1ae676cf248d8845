# expect: safe
import argparse
import sys
from pathlib import Path

import yaml
from flask import Flask, jsonify, request

app = Flask(__name__)

DEFAULTS = {"replicas": 1, "memory": "256Mi", "env": {}}


def merge_defaults(spec: dict) -> dict:
    merged = dict(DEFAULTS)
    merged.update(spec or {})
    return merged


@app.post("/deployments/lint")
def lint():
    try:
        spec = yaml.safe_load(request.get_data(as_text=True))
    except yaml.YAMLError as exc:
        return jsonify(ok=False, error=str(exc)), 400
    if not isinstance(spec, dict):
        return jsonify(ok=False, error="expected a mapping"), 400
    return jsonify(ok=True, spec=merge_defaults(spec))


def cli(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    failed = 0
    for path in args.files:
        with path.open() as fh:
            docs = list(yaml.safe_load_all(fh))
        if not all(isinstance(d, dict) for d in docs):
            print(f"{path}: not a mapping", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(cli())
