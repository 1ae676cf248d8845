# expect: CWE-489
from flask import Flask

DEBUG_MODE = True
app = Flask(__name__)


@app.get("/")
def index():
    return "ok"


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=DEBUG_MODE)
