"""DOMAIN 5 defaults: complaint categories and difficult-customer types with handling guidance."""

from django.db import migrations

CATEGORIES = [
    ("attitude", "服务态度"),
    ("service_quality", "服务质量"),
    ("repair_quality", "维修质量"),
    ("charges", "收费"),
    ("warranty", "保修政策"),
    ("turnaround", "维修时效"),
    ("parts", "配件"),
    ("other", "其他"),
]

DIFFICULT_TYPES = [
    (
        "unreasonable",
        "无理难缠型",
        "耐心倾听，认同客户的感受，始终掌握谈话主动权；用“是的，而且……”回应，不争辩。",
    ),
    (
        "expert",
        "专业投诉型",
        "保持冷静，不被对方牵着走，不轻易承诺；超出权限及时上报，坚持按规定处理。",
    ),
    ("inquirer", "职业查询型", "先分类归纳问题，再快速、准确地逐一答复。"),
    (
        "furious",
        "气急败坏型",
        "保持冷静，表示理解和同情，控制好自己的情绪；明确承诺答复时间并按时回复。",
    ),
    (
        "harassing",
        "骚扰型 / 地狱来声型",
        "先礼貌警告；若仍继续骚扰或辱骂，可结束通话，并如实记录。",
    ),
]


def create(apps, schema_editor):
    Category = apps.get_model("complaints", "ComplaintCategory")
    Difficult = apps.get_model("complaints", "DifficultType")
    for position, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    for position, (code, name, guidance) in enumerate(DIFFICULT_TYPES):
        Difficult.objects.get_or_create(
            code=code, defaults={"name": name, "guidance": guidance, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaints")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
