# expect: safe
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("/srv/data/users.xml")
BY_LOGIN = etree.XPath("//user[@login=$login]/@id")


@app.post("/lookup")
def lookup():
    hits = BY_LOGIN(DOC, login=request.form.get("login", ""))
    return "<p>ids: " + ", ".join(str(h) for h in hits) + "</p>"
