# expect: CWE-78
import os

from django.http import HttpResponse


class ReportJob:
    def __init__(self, request):
        self.fmt = request.GET.get("fmt", "pdf")

    def run(self):
        os.system("make-report --format " + self.fmt)


def report(request):
    ReportJob(request).run()
    return HttpResponse("queued")
