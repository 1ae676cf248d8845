from flask import Flask, render_template_string, request

app = Flask(__name__)


@app.route("/greet")
def greet():
    title = request.args.get("title", "")
    page = "<title>" + title + "</title><body>hi</body>"
    return render_template_string(page)
