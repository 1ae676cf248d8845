# expect: safe
import numpy as np
from flask import Flask, request

app = Flask(__name__)


@app.route("/simulate")
def simulate():
    runs = int(request.args.get("runs", "100"))
    samples = np.random.default_rng(42).normal(0, 1, size=min(runs, 10_000))
    return {"mean": float(samples.mean())}
