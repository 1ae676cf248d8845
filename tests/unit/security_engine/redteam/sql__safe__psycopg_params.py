# expect: safe
import psycopg2

from django.http import JsonResponse


def by_name(request):
    name = request.GET.get("name", "")
    conn = psycopg2.connect("dbname=app")
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM users WHERE name = %s", (name,))
        row = cur.fetchone()
    return JsonResponse({"id": row[0] if row else None})
