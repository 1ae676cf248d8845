# expect: CWE-501
from flask import Flask, request, session
from markupsafe import escape

app = Flask(__name__)


@app.post("/nick")
def nick():
    session["nick"] = escape(request.form.get("nick", ""))
    return "ok"
