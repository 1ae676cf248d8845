# expect: CWE-643
import xml.etree.ElementTree as ET

from flask import Flask, request

app = Flask(__name__)
ROOT = ET.parse("accounts.xml").getroot()


@app.route("/account")
def account():
    uid = request.args["id"]
    hits = ROOT.findall(".//account[@id='%s']" % uid)
    return {"n": len(hits)}
