# expect: CWE-95
from flask import Flask, request

app = Flask(__name__)

evaluate = lambda text: eval(text)


@app.post("/formula")
def formula():
    return {"value": evaluate(request.form["formula"])}
