from django.urls import path

from contacts import views
from contacts.imports import views as import_views
from contacts.privacy import views as privacy_views

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="pages-organisation-list"),
    path(
        "organisations/new/", views.OrganisationFormView.as_view(), name="pages-organisation-create"
    ),
    path(
        "organisations/duplicates/",
        views.DuplicatesView.as_view(kind="organisations"),
        name="pages-organisation-duplicates",
    ),
    path(
        "organisations/merge/",
        views.MergeView.as_view(kind="organisations"),
        name="pages-organisation-merge",
    ),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="pages-organisation-detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationFormView.as_view(),
        name="pages-organisation-update",
    ),
    path("people/", views.PersonListView.as_view(), name="pages-person-list"),
    path("people/new/", views.PersonFormView.as_view(), name="pages-person-create"),
    path(
        "people/duplicates/",
        views.DuplicatesView.as_view(kind="people"),
        name="pages-person-duplicates",
    ),
    path("people/merge/", views.MergeView.as_view(kind="people"), name="pages-person-merge"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="pages-person-detail"),
    path("people/<int:pk>/edit/", views.PersonFormView.as_view(), name="pages-person-update"),
    path(
        "people/<int:pk>/export/",
        privacy_views.PersonExportView.as_view(),
        name="pages-person-export",
    ),
    path(
        "people/<int:pk>/erase/", privacy_views.PersonEraseView.as_view(), name="pages-person-erase"
    ),
    path("imports/", import_views.ImportUploadView.as_view(), name="pages-import-upload"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="pages-import-detail"),
    path(
        "imports/<int:pk>/progress/",
        import_views.ImportProgressView.as_view(),
        name="pages-import-progress",
    ),
    path(
        "imports/<int:pk>/rejected-rows.csv",
        import_views.ImportRejectedRowsView.as_view(),
        name="pages-import-rejected",
    ),
    path(
        "imports/template-<str:kind>.csv",
        import_views.ImportTemplateView.as_view(),
        name="pages-import-template",
    ),
]
