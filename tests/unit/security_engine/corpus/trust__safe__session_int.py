from flask import Flask, request, session

app = Flask(__name__)


@app.route("/page-size")
def page_size():
    session["page_size"] = int(request.args.get("n", "20"))
    return {"ok": True}
