from flask import Flask, request

app = Flask(__name__)


@app.route("/list")
def listing():
    names = request.args.get("names", "").split(",")
    rows = [f"<li>{n.strip()}</li>" for n in names]
    return "<ul>" + "\n".join(rows) + "</ul>"
