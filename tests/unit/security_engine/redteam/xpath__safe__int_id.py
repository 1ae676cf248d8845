# expect: safe
import xml.etree.ElementTree as ET

from flask import Flask, request

app = Flask(__name__)
ROOT = ET.parse("accounts.xml").getroot()


@app.route("/account")
def account():
    uid = int(request.args.get("id", "0"))
    hits = ROOT.findall(f".//account[@id='{uid}']")
    return {"n": len(hits)}
