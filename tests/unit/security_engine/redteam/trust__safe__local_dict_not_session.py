# expect: safe
from flask import Flask, request, session

app = Flask(__name__)


@app.route("/preview")
def preview():
    prefs = {}
    prefs["nickname"] = request.args.get("nick", "")
    current = session.get("nickname", "")
    return {"preview": prefs, "current": current}
