import psycopg2
from django.http import JsonResponse

conn = psycopg2.connect("dbname=app")


def profile(request):
    user = request.GET.get("user")
    with conn.cursor() as cur:
        cur.execute("SELECT bio FROM profiles WHERE username = %s", (user,))
        row = cur.fetchone()
    return JsonResponse({"bio": row[0] if row else None})
