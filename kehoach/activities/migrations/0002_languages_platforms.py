"""The languages and platforms products are tagged with (editable in the admin)."""

from django.db import migrations

LANGUAGES = [
    ("vi", "Tiếng Việt", "vi"),
    ("cor", "Tiếng Co (Cor)", "minority"),
    ("katu", "Tiếng Cơ Tu", "minority"),
    ("sedang", "Tiếng Xơ Đăng", "minority"),
    ("gie-trieng", "Tiếng Giẻ-Triêng", "minority"),
    ("en", "Tiếng Anh", "foreign"),
    ("fr", "Tiếng Pháp", "foreign"),
    ("zh", "Tiếng Trung", "foreign"),
    ("ko", "Tiếng Hàn", "foreign"),
    ("ja", "Tiếng Nhật", "foreign"),
]
PLATFORMS = [
    ("print", "Báo in, ấn phẩm", False),
    ("radio", "Phát thanh", False),
    ("television", "Truyền hình", False),
    ("portal", "Cổng/Trang thông tin điện tử", True),
    ("social", "Mạng xã hội", True),
    ("digital", "Nền tảng số khác", True),
]


def load(apps, schema_editor):
    Language = apps.get_model("activities", "Language")
    Platform = apps.get_model("activities", "Platform")
    for order, (code, name, group) in enumerate(LANGUAGES):
        Language.objects.update_or_create(
            code=code, defaults={"name": name, "group": group, "order": order}
        )
    for order, (code, name, digital) in enumerate(PLATFORMS):
        Platform.objects.update_or_create(
            code=code, defaults={"name": name, "digital": digital, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
