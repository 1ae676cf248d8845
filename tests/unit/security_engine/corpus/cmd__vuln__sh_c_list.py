import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.post("/convert")
def convert():
    target = request.form.get("format", "png")
    argv = ["sh", "-c"]
    argv.append(f"convert in.svg out.{target}")
    proc = subprocess.run(argv, capture_output=True, text=True)
    return proc.stdout
