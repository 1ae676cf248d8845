# expect: CWE-117
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/search")
def search():
    term = request.args.get("q", "")
    app.logger.warning("search with no results: %s", term)
    return jsonify([])
