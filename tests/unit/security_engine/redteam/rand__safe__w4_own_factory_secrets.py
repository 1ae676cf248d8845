# expect: safe
import secrets
import string

from django.http import JsonResponse
from django.views import View

ALPHABET = string.ascii_letters + string.digits


class KeyFactory:
    prefix = "sk_live_"

    def __init__(self, size=32):
        self.size = size

    def generate(self):
        return self.prefix + "".join(secrets.choice(ALPHABET) for _ in range(self.size))


class ApiKeyView(View):
    factory = KeyFactory()

    def post(self, request):
        label = request.POST.get("label", "default")
        return JsonResponse({"label": label, "api_key": self.factory.generate()})
