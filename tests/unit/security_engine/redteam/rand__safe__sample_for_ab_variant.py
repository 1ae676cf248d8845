# expect: safe
import random

from flask import Flask, request

app = Flask(__name__)


@app.route("/variant")
def variant():
    bucket = random.choice(["A", "B"])
    return {"variant": bucket, "user": request.args.get("u", "")}
