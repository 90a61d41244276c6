from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice (SPEC §3), public and linked from every public form and email."""
    return render(request, "public/privacy.html", {"contact": settings.DATA_PROTECTION_CONTACT})
