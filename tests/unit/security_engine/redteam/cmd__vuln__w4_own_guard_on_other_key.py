# expect: CWE-78
import os

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/jobs")
def jobs():
    data = request.get_json(force=True)
    if data.get("mode") != "run":
        return jsonify({"error": "unsupported mode"}), 400
    status = os.system("nice -n 10 " + data["command"])
    return jsonify({"status": status})
