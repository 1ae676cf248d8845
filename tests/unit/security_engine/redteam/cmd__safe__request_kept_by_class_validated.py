# expect: safe
import os

from django.http import HttpResponse

FORMATS = {"pdf": "pdf", "csv": "csv"}


class ReportJob:
    def __init__(self, request):
        self.fmt = FORMATS.get(request.GET.get("fmt", "pdf"), "pdf")

    def run(self):
        os.system("make-report --format " + self.fmt)


def report(request):
    ReportJob(request).run()
    return HttpResponse("queued")
