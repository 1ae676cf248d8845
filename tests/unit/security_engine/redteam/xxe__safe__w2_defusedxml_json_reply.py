# expect: safe
from defusedxml import ElementTree as ET
from flask import Flask, request

app = Flask(__name__)

@app.post("/import")
def imp():
    # .tag may carry a namespace URI from the document ("{<script>...}a"): returned as JSON, not HTML
    return {"tag": ET.fromstring(request.data).tag}
