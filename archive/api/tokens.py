"""A signed-in user revokes their own API token: ``DELETE /api/token/``.

Any authenticated user may do it, whatever their group: a leaked token should be easy to
kill by its owner. A session-authenticated request needs the CSRF token, as every write.
Creating tokens stays with administrators (``manage.py api_token create``, the admin).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


def token_revoke(*, user) -> bool:
    """Delete ``user``'s API token; False when they had none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


class TokenRevokeView(APIView):
    """Revoke the API token of the user making the request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="The token is revoked; it no longer authenticates."),
            404: OpenApiResponse(description="This user has no token."),
        },
    )
    def delete(self, request):
        if not token_revoke(user=request.user):
            return Response({"detail": "You have no API token."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)
