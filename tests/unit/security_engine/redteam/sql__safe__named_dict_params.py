# expect: safe
from django.db import connection
from django.http import JsonResponse


def report(request):
    region = request.GET.get("region", "")
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM sales WHERE region = %(region)s", {"region": region})
        return JsonResponse({"rows": cur.fetchall()})
