# expect: CWE-502
import io
import pickle

from flask import Flask, request

app = Flask(__name__)


@app.post("/state")
def state():
    obj = pickle.Unpickler(io.BytesIO(request.get_data())).load()
    return {"type": type(obj).__name__}
