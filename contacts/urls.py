from django.urls import path

from contacts.imports import views as import_views
from contacts.privacy import views as privacy_views
from contacts.views import merge, organisations, people

urlpatterns = [
    path(
        "organisations/",
        organisations.OrganisationListView.as_view(),
        name="pages-organisation-list",
    ),
    path(
        "organisations/new/",
        organisations.OrganisationFormView.as_view(),
        name="pages-organisation-create",
    ),
    path(
        "organisations/duplicates/",
        merge.DuplicatesView.as_view(kind="organisations"),
        name="pages-organisation-duplicates",
    ),
    path(
        "organisations/merge/",
        merge.MergeView.as_view(kind="organisations"),
        name="pages-organisation-merge",
    ),
    path(
        "organisations/<int:pk>/",
        organisations.OrganisationDetailView.as_view(),
        name="pages-organisation-detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        organisations.OrganisationFormView.as_view(),
        name="pages-organisation-update",
    ),
    path("people/", people.PersonListView.as_view(), name="pages-person-list"),
    path("people/new/", people.PersonFormView.as_view(), name="pages-person-create"),
    path(
        "people/duplicates/",
        merge.DuplicatesView.as_view(kind="people"),
        name="pages-person-duplicates",
    ),
    path("people/merge/", merge.MergeView.as_view(kind="people"), name="pages-person-merge"),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="pages-person-detail"),
    path("people/<int:pk>/edit/", people.PersonFormView.as_view(), name="pages-person-update"),
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
