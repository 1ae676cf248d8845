# expect: safe
from flask import Flask

RUN_OPTS = {"host": "127.0.0.1", "port": 5000, "debug": False}
app = Flask(__name__)


@app.get("/")
def index():
    return "ok"


if __name__ == "__main__":
    app.run(**RUN_OPTS)
