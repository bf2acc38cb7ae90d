"""Pages of the leads app (add your feature's routes below)."""

from django.urls import path

from leads.views import overview

app_name = "leads"

urlpatterns = [
    path("", overview.index, name="index"),
]
