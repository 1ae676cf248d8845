# expect: CWE-489
from quart import Quart

app = Quart(__name__)


@app.route("/ping")
async def ping():
    return {"ok": True}


def main():
    opts = {"host": "0.0.0.0", "port": 8080, "debug": True}
    app.run(**opts)


if __name__ == "__main__":
    main()
