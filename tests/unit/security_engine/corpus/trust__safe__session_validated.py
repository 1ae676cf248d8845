from django.http import HttpResponseBadRequest, JsonResponse

LANGUAGES = ("en", "de", "fr")


def set_lang(request):
    lang = request.GET.get("lang", "en")
    if lang not in LANGUAGES:
        return HttpResponseBadRequest()
    request.session["lang"] = lang
    return JsonResponse({"lang": lang})
