# expect: CWE-89
from django.db import connection
from django.http import JsonResponse


class Report:
    table = "sales"

    def __init__(self):
        self.region = "north"

    def set_region(self, region):
        self.region = region

    def sql(self):
        return "SELECT SUM(amount) FROM %s WHERE region = '%s'" % (self.table, self.region)


def totals(request):
    report = Report()
    report.set_region(request.GET.get("region", "north"))
    with connection.cursor() as cursor:
        cursor.execute(report.sql())
        (total,) = cursor.fetchone()
    return JsonResponse({"total": total})
