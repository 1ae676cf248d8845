# expect: CWE-78
import os

from django.http import HttpResponse
from django.views import View


class BackupView(View):
    def post(self, request):
        label = request.POST.get("label", "nightly")
        os.popen("backup-tool --label " + label).read()
        return HttpResponse("started")
