# expect: safe
import os

from flask import Flask, render_template_string, request

app = Flask(__name__)
app.secret_key = os.environ.get("SEARCH_SECRET_KEY")

RESULTS_TEMPLATE = """
<!doctype html>
<title>Search</title>
<form method="get"><input name="q" value="{{ query }}"><button>Go</button></form>
{% if results %}
  <ul>{% for r in results %}<li>{{ r }}</li>{% endfor %}</ul>
{% else %}
  <p>No results for <em>{{ query }}</em>.</p>
{% endif %}
"""

CATALOGUE = ["apple", "apricot", "banana", "blueberry", "cherry", "grape", "mango"]


def search(term: str) -> list[str]:
    term = term.lower().strip()
    return [item for item in CATALOGUE if term and term in item]


@app.get("/search")
def search_page():
    query = request.args.get("q", "")
    return render_template_string(RESULTS_TEMPLATE, query=query, results=search(query))
