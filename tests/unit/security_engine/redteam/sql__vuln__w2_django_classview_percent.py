# expect: CWE-89
from django.http import JsonResponse
from django.views import View
from django.db import connection

class Search(View):
    def get(self, request):
        term = request.GET["q"]
        order = request.GET.get("order", "name")
        with connection.cursor() as cur:
            cur.execute("SELECT id FROM items WHERE name LIKE '%%%s%%' ORDER BY %s" % (term, order))
            return JsonResponse({"ids": [r[0] for r in cur.fetchall()]})
