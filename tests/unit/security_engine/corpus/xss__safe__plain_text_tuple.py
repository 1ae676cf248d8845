from flask import Flask, request

app = Flask(__name__)


@app.route("/echo.txt")
def echo_txt():
    return request.args.get("msg", ""), 200, {"Content-Type": "text/plain; charset=utf-8"}
