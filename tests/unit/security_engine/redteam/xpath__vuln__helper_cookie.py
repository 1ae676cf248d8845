# expect: CWE-643
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
DOC = etree.parse("prefs.xml")


def lookup(query):
    return DOC.xpath(query)


@app.route("/prefs")
def prefs():
    owner = request.cookies.get("user", "")
    return {"n": len(lookup("//pref[@owner='" + owner + "']"))}
