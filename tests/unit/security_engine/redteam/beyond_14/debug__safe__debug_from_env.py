# expect: safe
import logging
import os

from flask import Flask, jsonify

from .api import api_blueprint
from .extensions import db, migrate


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config["DEBUG"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    db.init_app(app)
    migrate.init_app(app, db)
    app.register_blueprint(api_blueprint, url_prefix="/api")

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


app = create_app()

if __name__ == "__main__":
    logging.basicConfig(level=logging.DEBUG if _env_flag("VERBOSE_LOGS") else logging.INFO)
    debug = False
    if False:
        debug = True
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "8000")), debug=debug)
