# expect: CWE-79
from django.shortcuts import render
from django.utils.safestring import mark_safe


def bio(request):
    text = request.POST.get("bio", "")
    return render(request, "bio.html", {"bio": mark_safe("<p>" + text + "</p>")})
