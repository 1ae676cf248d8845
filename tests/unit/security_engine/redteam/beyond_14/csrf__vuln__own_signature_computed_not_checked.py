# expect: CWE-352
import hashlib
import hmac
import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger(__name__)


@csrf_exempt
def change_email(request):
    signature = hmac.new(b"k", request.body, hashlib.sha256).hexdigest()
    log.debug("body signature %s", signature)
    request.user.email = request.POST["email"]
    request.user.save()
    return JsonResponse({"ok": True})
