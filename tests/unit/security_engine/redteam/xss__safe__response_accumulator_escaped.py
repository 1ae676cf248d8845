# expect: safe
import flask

from helpers.text import escape_for_html

app = flask.Flask(__name__)


@app.route("/board/post2", methods=["GET", "POST"])
def board_post2():
    page = "<html><body>"
    comment = flask.request.values.get("comment", "")
    page += "<p>New comment: "
    page += escape_for_html(comment)
    page += "</p></body></html>"
    return page
