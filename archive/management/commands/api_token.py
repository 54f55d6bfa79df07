"""Create, show or revoke a user's REST API token: ``api_token create|revoke|show USERNAME``."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from archive.api.tokens import token_revoke


class Command(BaseCommand):
    help = "Create (or with --reset replace), show or revoke a user's API token."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "show"])
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="create: replace an existing token."
        )

    def handle(self, *args, action, username, reset, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if action == "revoke":
            revoked = token_revoke(user=user)
            self.stderr.write("Token revoked." if revoked else "The user had no token.")
            return
        token = Token.objects.filter(user=user).first()
        if action == "show":
            if token is None:
                raise CommandError(f"{username} has no token; use 'api_token create'.")
        elif token is None or reset:
            token_revoke(user=user)
            token = Token.objects.create(user=user)
        # Only the key on stdout, so scripts can capture it.
        self.stdout.write(token.key)
