from django.http import HttpResponseRedirect


def logout(request):
    back = request.GET.get("return_to", "/")
    request.session.flush()
    return HttpResponseRedirect(back)
