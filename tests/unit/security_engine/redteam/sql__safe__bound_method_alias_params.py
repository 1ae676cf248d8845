# expect: safe
import sqlite3

from django.http import JsonResponse


def search(request):
    cur = sqlite3.connect("app.db").cursor()
    execute = cur.execute
    execute("SELECT id FROM posts WHERE title LIKE ?", ("%" + request.GET.get("q", "") + "%",))
    return JsonResponse({"ids": [r[0] for r in cur.fetchall()]})
