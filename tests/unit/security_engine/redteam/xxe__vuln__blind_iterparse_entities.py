# expect: CWE-611
from flask import Flask, request
from lxml import etree

app = Flask(__name__)


@app.post("/bulk")
def bulk():
    count = 0
    for _event, _elem in etree.iterparse(request.files["feed"].stream, resolve_entities=True, load_dtd=True):
        count += 1
    return {"elements": count}
