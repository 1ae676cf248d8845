# expect: CWE-78
import subprocess

from flask import Flask, request

app = Flask(__name__)
SERVICES = {"nginx", "redis"}


@app.post("/restart")
def restart():
    service = request.form.get("service", "")
    if service not in SERVICES:
        app.logger.warning("unknown service %s", service)
    subprocess.call("systemctl restart " + service, shell=True)
    return "ok"
