# expect: CWE-117
import logging

from django.http import JsonResponse

logger = logging.getLogger(__name__)


def reset_request(request):
    email = request.POST.get("email", "")
    logger.info(f"password reset requested for {email}")
    return JsonResponse({"sent": True})
