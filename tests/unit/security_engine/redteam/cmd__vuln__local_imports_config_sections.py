# expect: CWE-78
from flask import Flask, request

app = Flask(__name__)


@app.route("/tools/lookup", methods=["POST"])
def tools_lookup():
    output = ""
    param = request.form.get("domain")
    if not param:
        param = ""

    import configparser

    conf = configparser.ConfigParser()
    conf.add_section("lookup")
    conf.set("lookup", "fixed", "example.org")
    conf.set("lookup", "user", param)
    target = conf.get("lookup", "user")

    import subprocess

    proc = subprocess.run("nslookup " + target, shell=True, capture_output=True, text=True)
    output += proc.stdout
    return output
