# expect: CWE-94
import functools
import io
import json
import contextlib

from flask import Flask, Response, abort, request
from flask_login import LoginManager, current_user, login_required

app = Flask(__name__)
app.config.from_envvar("NOTEBOOK_SETTINGS")
login_manager = LoginManager(app)


def with_payload(field: str):
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            data = request.get_json(silent=True) or {}
            if field not in data:
                abort(400, f"missing {field}")
            return view(data[field], *args, **kwargs)

        return wrapper

    return decorator


def _run_cell(source: str, namespace: dict) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = compile(source, "<cell>", "exec")
        exec(code, namespace)
    return buf.getvalue()


_namespaces: dict[int, dict] = {}


@app.post("/notebook/run")
@login_required
@with_payload("cell")
def run_cell(cell_source):
    ns = _namespaces.setdefault(current_user.get_id(), {"__name__": "__notebook__"})
    output = _run_cell(cell_source, ns)
    return Response(json.dumps({"stdout": output}), mimetype="application/json")


@app.post("/notebook/reset")
@login_required
def reset():
    _namespaces.pop(current_user.get_id(), None)
    return {"reset": True}
