from defusedxml import ElementTree
from flask import Flask, request

app = Flask(__name__)


@app.post("/feed")
def feed():
    root = ElementTree.fromstring(request.data)
    return {"items": len(root)}
