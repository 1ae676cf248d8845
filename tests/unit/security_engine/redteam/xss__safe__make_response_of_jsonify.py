# expect: safe
import flask

app = flask.Flask(__name__)


@app.route("/api/echo")
def api_echo():
    value = flask.request.args.get("value", "")
    resp = flask.make_response(flask.jsonify(value=value))
    resp.headers["Cache-Control"] = "no-store"
    return resp
