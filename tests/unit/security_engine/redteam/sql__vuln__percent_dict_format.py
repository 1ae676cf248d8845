# expect: CWE-89
from django.db import connection
from django.http import JsonResponse


def report(request):
    region = request.GET.get("region", "")
    sql = "SELECT * FROM sales WHERE region = '%(region)s'" % {"region": region}
    with connection.cursor() as cur:
        cur.execute(sql)
        return JsonResponse({"rows": cur.fetchall()})
