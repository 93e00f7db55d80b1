"""Print a bearer token for the read API: `manage.py api_token USERNAME`.

The token lets an integration read everything the user's role may see (drafts, every
status, names). It expires after a year and stops working when the user changes password,
is deactivated or loses the Reviewer/Editor role.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.permissions import is_editor, is_reviewer
from claims.publishing.api import TOKEN_MAX_AGE, issue_token


class Command(BaseCommand):
    help = "Print a bearer token for the read API for a reviewer or editor."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if not (is_reviewer(user) or is_editor(user)):
            raise CommandError(f"{username} is not an active reviewer or editor.")
        self.stdout.write(issue_token(user))
        self.stderr.write(
            f"Send it as 'Authorization: Bearer <token>'; valid for {TOKEN_MAX_AGE.days} days."
        )
