# expect: CWE-78
import configparser
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.post("/jobs")
def schedule():
    cfg = configparser.ConfigParser()
    cfg["job"] = {}
    cfg["job"]["command"] = request.form["command"]
    job_cmd = cfg.get("job", "command")
    proc = subprocess.Popen(job_cmd, shell=True)
    return {"pid": proc.pid}
