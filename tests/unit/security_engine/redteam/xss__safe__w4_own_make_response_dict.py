# expect: safe
from flask import Flask, make_response, request

app = Flask(__name__)


@app.get("/search")
def search():
    term = request.args.get("q", "")
    hits = [{"title": f"Result for {term}", "rank": n} for n in range(3)]
    resp = make_response({"query": term, "hits": hits}, 200)
    resp.headers["Cache-Control"] = "no-store"
    return resp
