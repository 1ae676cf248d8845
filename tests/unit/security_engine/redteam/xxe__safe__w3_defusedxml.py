# expect: safe
from defusedxml import ElementTree as DefusedET
from defusedxml.common import DefusedXmlException
from django.http import JsonResponse
from django.views.decorators.http import require_POST
from django.contrib.auth.decorators import login_required

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def extract_urls(xml_bytes: bytes) -> list[str]:
    root = DefusedET.fromstring(xml_bytes)
    urls = []
    for url in root.iter(f"{SITEMAP_NS}url"):
        loc = url.find(f"{SITEMAP_NS}loc")
        if loc is not None and loc.text:
            urls.append(loc.text.strip())
    return urls


@login_required
@require_POST
def upload_sitemap(request):
    upload = request.FILES.get("sitemap")
    if upload is None:
        return JsonResponse({"error": "no file"}, status=400)
    try:
        urls = extract_urls(upload.read())
    except (DefusedET.ParseError, DefusedXmlException) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"count": len(urls), "sample": urls[:10]})
