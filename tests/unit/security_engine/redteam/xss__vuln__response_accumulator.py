# expect: CWE-79
import flask

app = flask.Flask(__name__)


@app.route("/board/post", methods=["GET", "POST"])
def board_post():
    page = "<html><body>"
    comment = flask.request.values.get("comment", "")
    page += "<p>New comment: "
    page += comment
    page += "</p></body></html>"
    return page
