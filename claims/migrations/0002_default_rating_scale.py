"""Create the desk's default rating scale (PRODUCT.md)."""

from django.db import migrations

DEFAULT_RATINGS = [
    # label, slug, position, definition
    ("True", "true", 5, "The claim is accurate and nothing significant is missing."),
    (
        "Mostly true",
        "mostly-true",
        4,
        "The claim is accurate but needs clarification or additional information.",
    ),
    (
        "Half true",
        "half-true",
        3,
        "The claim is partially accurate but leaves out important details or takes things "
        "out of context.",
    ),
    (
        "Mostly false",
        "mostly-false",
        2,
        "The claim contains an element of truth but ignores facts that would give a "
        "different impression.",
    ),
    ("False", "false", 1, "The claim is not accurate."),
    (
        "Unproven",
        "unproven",
        None,
        "The available evidence neither confirms nor refutes the claim.",
    ),
    (
        "Misleading",
        "misleading",
        None,
        "The claim uses accurate facts in a way that gives a false impression.",
    ),
]


def create_default_scale(apps, schema_editor):
    RatingScale = apps.get_model("claims", "RatingScale")
    Rating = apps.get_model("claims", "Rating")
    scale, _ = RatingScale.objects.get_or_create(
        name="Default",
        defaults={"is_default": True, "description": "The desk's standard five-point scale."},
    )
    for order, (label, slug, position, definition) in enumerate(DEFAULT_RATINGS):
        Rating.objects.get_or_create(
            scale=scale,
            slug=slug,
            defaults={
                "label": label,
                "position": position,
                "definition": definition,
                "order": order,
            },
        )


def remove_default_scale(apps, schema_editor):
    apps.get_model("claims", "RatingScale").objects.filter(name="Default").delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(create_default_scale, remove_default_scale)]
