# expect: CWE-643
from defusedxml import ElementTree as ET
from flask import Flask, request

app = Flask(__name__)
ROOT = ET.parse("users.xml").getroot()


@app.post("/login")
def login():
    user = request.form["user"]
    node = ROOT.find(f"./user[@name='{user}']")
    return {"found": node is not None}
