# expect: safe
import hashlib

from flask import Flask, request

app = Flask(__name__)
CACHE = {}


@app.route("/page")
def page():
    url = request.args.get("url", "")
    cache_key = "page:" + hashlib.md5(url.encode()).hexdigest()
    return {"cached": cache_key in CACHE}
