# expect: CWE-501
import flask

app = flask.Flask(__name__)


@app.route("/locale", methods=["GET"])
def locale():
    param = flask.request.headers.get("X-Locale", "")
    num = 86
    chosen = "en-GB" if (500 / 42) + num > 200 else param
    flask.session["locale"] = chosen
    return "ok"
