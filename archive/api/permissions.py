"""Reads are public (unless API_PUBLIC_READS is off); writes need Django model permissions."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission

from archive.models import Article

_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def _model(view):
    """The model a view reads or writes: ``permission_model``, else its queryset's model."""
    model = getattr(view, "permission_model", None)
    if model is None and getattr(view, "queryset", None) is not None:
        model = view.queryset.model
    return model or Article


class ArchivePermission(BasePermission):
    """Editors add/change/delete, readers view; anonymous users read when reads are public.

    Returning False for an anonymous user makes DRF answer 401 (credentials missing);
    for a signed-in user it answers 403 with ``message``.
    """

    message = "You may not do this."

    def has_permission(self, request, view) -> bool:
        safe = request.method in SAFE_METHODS
        if safe and settings.API_PUBLIC_READS:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = _model(view)
        action = "view" if safe else _ACTIONS.get(request.method, "change")
        perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        if user.has_perm(perm):
            return True
        self.message = (
            f"You are signed in as {user.get_username()!r} but lack the permission to "
            f"{action} {model._meta.verbose_name_plural} ({perm}); ask an administrator "
            f"for the {'Readers' if safe else 'Editors'} group."
        )
        return False
