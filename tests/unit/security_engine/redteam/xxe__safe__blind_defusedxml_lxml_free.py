# expect: safe
from defusedxml.minidom import parseString
from flask import Flask, request

app = Flask(__name__)


@app.post("/bulk")
def bulk():
    doc = parseString(request.get_data())
    return {"elements": len(doc.getElementsByTagName("*"))}
