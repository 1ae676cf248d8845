# expect: CWE-643
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("/srv/data/users.xml")


@app.post("/lookup")
def lookup():
    evaluate = etree.XPathEvaluator(DOC)
    hits = evaluate("//user[@login='" + request.form.get("login", "") + "']/@id")
    return {"ids": [str(h) for h in hits]}
