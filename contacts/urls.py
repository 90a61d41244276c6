from django.urls import path

from contacts.imports import views as import_views
from contacts.privacy import views as privacy_views
from contacts.views import merge, organisations, people

app_name = "contacts"

urlpatterns = [
    path(
        "organisations/",
        organisations.OrganisationListView.as_view(),
        name="organisation-list",
    ),
    path(
        "organisations/new/",
        organisations.OrganisationFormView.as_view(),
        name="organisation-create",
    ),
    path(
        "organisations/duplicates/",
        merge.DuplicatesView.as_view(kind="organisations"),
        name="organisation-duplicates",
    ),
    path(
        "organisations/merge/",
        merge.MergeView.as_view(kind="organisations"),
        name="organisation-merge",
    ),
    path(
        "organisations/<int:pk>/",
        organisations.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        organisations.OrganisationFormView.as_view(),
        name="organisation-update",
    ),
    path("people/", people.PersonListView.as_view(), name="person-list"),
    path("people/new/", people.PersonFormView.as_view(), name="person-create"),
    path(
        "people/duplicates/",
        merge.DuplicatesView.as_view(kind="people"),
        name="person-duplicates",
    ),
    path("people/merge/", merge.MergeView.as_view(kind="people"), name="person-merge"),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", people.PersonFormView.as_view(), name="person-update"),
    path(
        "people/<int:pk>/export/",
        privacy_views.PersonExportView.as_view(),
        name="person-export",
    ),
    path("people/<int:pk>/erase/", privacy_views.PersonEraseView.as_view(), name="person-erase"),
    path("imports/", import_views.ImportUploadView.as_view(), name="import-upload"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import-detail"),
    path(
        "imports/<int:pk>/progress/",
        import_views.ImportProgressView.as_view(),
        name="import-progress",
    ),
    path(
        "imports/<int:pk>/rejected-rows.csv",
        import_views.ImportRejectedRowsView.as_view(),
        name="import-rejected",
    ),
    path(
        "imports/template-<str:kind>.csv",
        import_views.ImportTemplateView.as_view(),
        name="import-template",
    ),
]
