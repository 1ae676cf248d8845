# expect: CWE-501
import flask

app = flask.Flask(__name__)


@app.route("/cart")
def cart():
    flask.session["cart"] = flask.request.cookies.get("cart", "")
    return "saved"
