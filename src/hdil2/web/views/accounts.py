"""Login, logout and the home page (the ward board)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path

from hdil2.web.roles import requires


@requires("read")
def home(request: HttpRequest) -> HttpResponse:
    """``/``: the ward board."""
    return redirect("ward")


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home, name="home"),
]
