# expect: safe
import yaml
from flask import Flask, request

app = Flask(__name__)


@app.post("/config")
def config():
    data = yaml.safe_load(request.get_data(as_text=True))
    return {"keys": sorted(data)}
