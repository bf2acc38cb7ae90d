from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("analytics/", views.analytics, name="analytics"),
    path("sessions/<uuid:session_id>/", views.session_detail, name="session"),
    path("sessions/<uuid:session_id>/choose/", views.choose, name="choose"),
    path("sessions/<uuid:session_id>/compare/", views.compare, name="compare"),
    path("sessions/<uuid:session_id>/viewed/", views.viewed, name="viewed"),
    path(
        "recommendations/<uuid:recommendation_id>/expand/",
        views.expand,
        name="expand",
    ),
    path("recommendations/<uuid:recommendation_id>/contact/", views.contact, name="contact"),
    path(
        "recommendations/<uuid:recommendation_id>/rate/",
        views.rate_explanation,
        name="rate",
    ),
]
