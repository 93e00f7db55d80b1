"""Create the desk's roles as groups: Reviewer, Editor and Admin, with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER = [
    "claims.view_article",
    "claims.add_article",
    "claims.view_claim",
    "claims.add_claim",
    "claims.change_claim",
    "claims.view_citation",
    "claims.add_citation",
    "claims.change_citation",
    "claims.delete_citation",
    "claims.view_source",
    "claims.add_source",
    "claims.view_publisher",
    "claims.view_verdict",
    "claims.add_verdict",
    "claims.change_verdict",
    "claims.view_comment",
    "claims.add_comment",
    "claims.view_rating",
    "claims.view_ratingscale",
]
EDITOR = [*REVIEWER, "claims.assign_claim", "claims.approve_verdict"]
ADMIN_MODELS = {
    "claims": [
        "article",
        "claim",
        "citation",
        "source",
        "publisher",
        "publisherdomain",
        "verdict",
        "comment",
        "rating",
        "ratingscale",
        "desk",
    ],
    "auth": ["user", "group"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(codes):
        found = []
        for code in codes:
            app_label, codename = code.split(".")
            found.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return found

    admin_codes = [
        f"{app}.{action}_{model}"
        for app, models in ADMIN_MODELS.items()
        for model in models
        for action in ("view", "add", "change", "delete")
    ]
    for name, codes in (
        ("Reviewer", REVIEWER),
        ("Editor", EDITOR),
        ("Admin", [*EDITOR, *admin_codes]),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(dict.fromkeys(codes)))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Reviewer", "Editor", "Admin"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0003_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
