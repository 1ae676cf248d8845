# expect: CWE-330
import random
import string
from django.http import JsonResponse
from django.views import View

ALPHABET = string.ascii_letters + string.digits


class KeyFactory:
    prefix = "sk_live_"

    def __init__(self, size=32):
        self.size = size

    def generate(self):
        chars = [random.choice(ALPHABET) for _ in range(self.size)]
        return self.prefix + "".join(chars)


class ApiKeyView(View):
    factory = KeyFactory()

    def post(self, request):
        label = request.POST.get("label", "default")
        key = self.factory.generate()
        return JsonResponse({"label": label, "api_key": key})
