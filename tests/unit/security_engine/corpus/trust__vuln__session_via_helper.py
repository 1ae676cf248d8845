import flask

app = flask.Flask(__name__)


def remember(key, value):
    flask.session[key] = value


@app.post("/pref")
def pref():
    remember("display_name", flask.request.form["name"])
    return "", 204
