import datetime as dt
import uuid

from django.utils import timezone

from reporting.exports import job_path
from reporting.models import ExportJob, ExportKind, ExportStatus
from servicedesk.forms import PointSettingsForm
from servicedesk.models import Department, Role
from servicedesk.services import POINT_SETTING_FIELDS, department_notify
from tests.factories import PASSWORD, make_staff

PLAIN_URLS = {
    "home",
    "health",
    "login",
    "logout",
    "set_language",
    "servicedesk:point_list",
    "servicedesk:staff_list",
    "servicedesk:audit_list",
    "reporting:export_list",
    "reporting:dashboard",
    "reporting:staff_stats",
    "reporting:claim",
}

OBJECT_URLS = {
    "servicedesk:point_detail": lambda f: {"pk": f["point"].pk},
    "servicedesk:point_settings": lambda f: {"pk": f["point"].pk},
    "reporting:staff_detail": lambda f: {"pk": f["staff"].pk},
    "reporting:export_status": lambda f: {"pk": f["export"].pk},
    "reporting:export_download": lambda f: {"pk": f["done_export"].pk},
    "reporting:export_rerun": lambda f: {"pk": f["export"].pk},
    "servicedesk:notice_read": lambda f: {"pk": f["notice"].pk},
}


def form_body(form) -> dict:
    """The POST body a browser sends for an unbound form as shown (its initial values)."""
    body = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is True:
            body[name] = "on"
        elif value is not None and value is not False:
            body[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    return body


def settings_body(point, **changes) -> dict:
    form = PointSettingsForm(instance=point, editable_fields=POINT_SETTING_FIELDS)
    return form_body(form) | changes


POSTS = {
    "login": lambda f: {"username": f["staff"].user.username, "password": PASSWORD},
    "logout": lambda f: {},
    "set_language": lambda f: {"language": "en"},
    "servicedesk:point_settings": lambda f: settings_body(f["point"], address="新地址 1 号"),
    "reporting:export_list": lambda f: {
        "point": f["point"].pk,
        "date_from": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
        "date_to": timezone.localdate().isoformat(),
    },
    "reporting:export_rerun": lambda f: {},
    "reporting:export_download": lambda f: {},
    "servicedesk:notice_read": lambda f: {},
}

#: Every download of an export is audited, however often it happens.
AUDITED_EACH_TIME = {"reporting:export_download"}

#: Only a member of the notice's department marks it read.
ACTORS = {"servicedesk:notice_read": lambda f: f["notice_reader"].user}

GET_ONLY = {
    "home",
    "health",
    "servicedesk:point_list",
    "servicedesk:staff_list",
    "servicedesk:audit_list",
    "reporting:dashboard",
    "reporting:staff_stats",
    "reporting:claim",
    "servicedesk:point_detail",
    "reporting:staff_detail",
    "reporting:export_status",
}


def make_foreign(point, foreign):
    foreign["point"] = point
    foreign["staff"] = make_staff(Role.TECHNICIAN, point=point)
    foreign["export"] = ExportJob.objects.create(
        point=point,
        kind=ExportKind.MONTHLY,
        date_from=dt.date(2026, 10, 1),
        date_to=dt.date(2026, 10, 31),
        status=ExportStatus.FAILED,
        error="disk full",
    )
    foreign["done_export"] = done = ExportJob.objects.create(
        point=point,
        kind=ExportKind.MONTHLY,
        date_from=dt.date(2026, 9, 1),
        date_to=dt.date(2026, 9, 30),
        status=ExportStatus.DONE,
        file_name=f"walk/{point.code}-{uuid.uuid4().hex}.csv",
        rows_total=0,
    )
    job_path(done).parent.mkdir(parents=True, exist_ok=True)
    job_path(done).write_text("\ufeffnumber\n", encoding="utf-8")
    department = Department.objects.create(point=point, name="质量部")
    foreign["notice_reader"] = make_staff(Role.SUPERVISOR, point=point, department=department)
    foreign["notice"] = department_notify(
        department=department, point=point, subject="投诉 #1（回访不满意）", link="/complaints/1/"
    )
