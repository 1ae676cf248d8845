# expect: safe
import sqlite3

from flask import Flask, jsonify, request
from flask.views import MethodView

app = Flask(__name__)


class Articles(MethodView):
    page_size = 20

    def get(self):
        page = int(request.args.get("page", "1"))
        sql = f"SELECT id, title FROM articles ORDER BY id LIMIT {self.page_size} OFFSET {page * self.page_size}"
        with sqlite3.connect("blog.db") as db:
            return jsonify(db.execute(sql).fetchall())
