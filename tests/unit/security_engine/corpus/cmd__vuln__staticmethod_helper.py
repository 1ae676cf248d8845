from flask import Flask, request
import subprocess as sp
app = Flask(__name__)

class Tools:
    @staticmethod
    def archive(name):
        return sp.Popen(f"zip -r out.zip {name}", shell=True)

@app.get("/zip")
def z():
    Tools.archive(request.args["dir"])
    return "ok"
