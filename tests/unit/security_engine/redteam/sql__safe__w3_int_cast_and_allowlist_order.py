# expect: safe
from django.db import connection
from django.http import JsonResponse
from django.views import View

SORTABLE = {
    "date": "created_at",
    "amount": "amount",
    "customer": "customer_name",
}


class InvoiceListView(View):
    default_limit = 50

    def _limit(self, raw) -> int:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            return self.default_limit
        return max(1, min(value, 500))

    def _order(self, raw) -> str:
        return SORTABLE.get(raw, "created_at")

    def get(self, request):
        limit = self._limit(request.GET.get("limit"))
        order = self._order(request.GET.get("sort"))
        direction = "ASC" if request.GET.get("dir") == "asc" else "DESC"
        customer = request.GET.get("customer", "")
        sql = (
            "SELECT id, customer_name, amount, created_at FROM billing_invoice "
            "WHERE customer_name ILIKE %s "
            "ORDER BY " + order + " " + direction + " LIMIT %d" % limit
        )
        with connection.cursor() as cur:
            cur.execute(sql, ["%" + customer + "%"])
            cols = [c[0] for c in cur.description]
            rows = [dict(zip(cols, r)) for r in cur.fetchall()]
        return JsonResponse({"results": rows}, json_dumps_params={"default": str})
