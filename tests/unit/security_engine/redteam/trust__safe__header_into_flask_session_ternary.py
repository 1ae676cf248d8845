# expect: safe
import flask

app = flask.Flask(__name__)


@app.route("/locale2", methods=["GET"])
def locale2():
    param = flask.request.headers.get("X-Locale", "")
    num = 106
    chosen = "en-GB" if (7 * 18) + num > 200 else param
    flask.session["locale"] = chosen
    return "ok"
