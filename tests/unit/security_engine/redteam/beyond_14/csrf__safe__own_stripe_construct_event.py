# expect: safe
import os

import stripe
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def stripe_webhook(request):
    event = stripe.Webhook.construct_event(
        request.body, request.META.get("HTTP_STRIPE_SIGNATURE", ""), os.environ["STRIPE_WEBHOOK_SECRET"]
    )
    if event["type"] == "invoice.paid":
        pass
    return HttpResponse(status=200)
