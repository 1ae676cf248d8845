import sqlite3

from django.http import JsonResponse
from django.views import View


class ReportView(View):
    db = "reports.db"

    def where_clause(self, region):
        return "WHERE region = '" + region + "'"

    def get(self, request):
        region = request.GET.get("region", "eu")
        cur = sqlite3.connect(self.db).cursor()
        cur.execute("SELECT * FROM sales " + self.where_clause(region))
        return JsonResponse({"rows": cur.fetchall()})
