# expect: safe
import sqlite3

from django.http import JsonResponse


def lookup(request):
    param = request.POST.get("name", "")
    values = []
    values.append("safe")
    values.append(param)
    values.append("moresafe")
    values.pop(0)
    bar = values[1]
    conn = sqlite3.connect("app.db")
    rows = conn.execute("SELECT * FROM users WHERE name = '" + bar + "'").fetchall()
    return JsonResponse({"rows": rows})
