from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Fact-check desk"

    def ready(self):
        from claims.publishing.freshness import watch_public_rows

        watch_public_rows()
