# expect: safe
import logging

from django.http import JsonResponse

logger = logging.getLogger(__name__)


def cancel_order(request):
    order_id = int(request.POST.get("order_id", "0"))
    logger.info("cancel requested for order %d", order_id)
    return JsonResponse({"order": order_id})
