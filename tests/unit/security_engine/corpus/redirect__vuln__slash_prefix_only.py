from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/jump")
def jump():
    # "/" + "/evil.example" is "//evil.example": a protocol-relative URL to another host.
    return redirect("/" + request.args.get("to", ""))
