"""API tokens in the admin: superusers list and revoke them (editors never see them).

DRF's own token admin has no actions, since its pages address a token by its user's id;
the change list still selects tokens by key, so a bulk "revoke" works on that.
"""

from django.contrib import admin, messages
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class RevocableTokenAdmin(TokenAdmin):
    actions = ["revoke_tokens"]

    @admin.action(description="Revoke the selected tokens", permissions=["delete"])
    def revoke_tokens(self, request, queryset):
        users = sorted(token.user.get_username() for token in queryset.select_related("user"))
        queryset.delete()
        message = f"Revoked the tokens of {', '.join(users)}; their clients now get 401."
        self.message_user(request, message, messages.SUCCESS)
