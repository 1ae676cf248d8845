# expect: safe
import hashlib
import hmac
import json
import os

from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import PaymentEvent

WEBHOOK_SECRET = os.environ["PAYMENTS_WEBHOOK_SECRET"].encode()


def _valid_signature(body: bytes, header: str) -> bool:
    expected = hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


@csrf_exempt
@require_POST
def payments_webhook(request):
    if not _valid_signature(request.body, request.headers.get("X-Signature-SHA256", "")):
        return HttpResponseForbidden("bad signature")
    event = json.loads(request.body)
    PaymentEvent.objects.update_or_create(
        external_id=event["id"],
        defaults={"kind": event.get("type", "unknown"), "payload": event},
    )
    return HttpResponse(status=204)
