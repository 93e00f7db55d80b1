"""Create the desk's single settings row, so reading it never writes."""

from django.db import migrations


def create_desk(apps, schema_editor):
    apps.get_model("claims", "Desk").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_roles")]

    operations = [migrations.RunPython(create_desk, migrations.RunPython.noop)]
