# expect: CWE-489
import logging
import os

from flask import Flask, jsonify

from .api import api_blueprint
from .extensions import db, migrate

RUN_OPTS = {
    "host": "0.0.0.0",
    "port": int(os.environ.get("PORT", "8000")),
    "debug": True,
    "use_reloader": False,
}


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    db.init_app(app)
    migrate.init_app(app, db)
    app.register_blueprint(api_blueprint, url_prefix="/api")

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


app = create_app()

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app.run(**RUN_OPTS)
