# expect: safe
import os

from django.http import HttpResponse
from django.views import View


class PortView(View):
    def get(self, request):
        port = int(request.GET.get("port", "8080"))
        os.system(f"nc -z localhost {port}")
        return HttpResponse("checked")
