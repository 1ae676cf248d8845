from urllib.request import urlopen

from django.http import JsonResponse


def test_webhook(request):
    hook = request.POST.get("webhook_url")
    with urlopen(hook, timeout=5) as resp:
        return JsonResponse({"status": resp.status})
