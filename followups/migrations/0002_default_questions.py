from django.db import migrations

# DOMAIN 6 defaults: satisfaction with the repair, with staff attitude, with turnaround, the device
# working now, any suggestion. Administrators edit them afterwards.
DEFAULT_QUESTIONS = [
    (10, "您对本次维修的质量满意吗？", "rating"),
    (20, "您对我们工作人员的服务态度满意吗？", "rating"),
    (30, "您对维修所用的时间满意吗？", "rating"),
    (40, "您的手机现在使用正常吗？", "yes_no"),
    (50, "您对我们的服务还有什么意见或建议？", "text"),
]


def create(apps, schema_editor):
    Question = apps.get_model("followups", "Question")
    for position, text, kind in DEFAULT_QUESTIONS:
        Question.objects.get_or_create(position=position, defaults={"text": text, "kind": kind})


def remove(apps, schema_editor):
    Question = apps.get_model("followups", "Question")
    Question.objects.filter(position__in=[p for p, _t, _k in DEFAULT_QUESTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("followups", "0001_callbacks")]
    operations = [migrations.RunPython(create, remove)]
