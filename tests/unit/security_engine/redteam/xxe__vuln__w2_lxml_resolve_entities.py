# expect: CWE-611
from lxml import etree
from flask import Flask, request

app = Flask(__name__)

@app.post("/import")
def imp():
    parser = etree.XMLParser(resolve_entities=True, no_network=False)
    root = etree.fromstring(request.data, parser)
    return root.tag
