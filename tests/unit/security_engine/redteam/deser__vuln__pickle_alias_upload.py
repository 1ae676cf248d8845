# expect: CWE-502
import pickle as pk

from flask import Flask, request

app = Flask(__name__)


@app.post("/model")
def model():
    uploaded = request.files["model"]
    obj = pk.load(uploaded)
    return {"type": type(obj).__name__}
