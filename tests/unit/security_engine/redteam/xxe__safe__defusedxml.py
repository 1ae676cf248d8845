# expect: safe
from defusedxml import ElementTree as SafeET
from flask import Flask, request

app = Flask(__name__)


@app.post("/import")
def import_xml():
    root = SafeET.fromstring(request.get_data())
    return {"tag": root.tag}
