import datetime as dt

from servicedesk.models import ExportJob, ExportKind, Role
from tests.factories import make_staff

PLAIN_URLS = {
    "home",
    "health",
    "login",
    "logout",
    "set_language",
    "servicedesk:point_list",
    "servicedesk:staff_list",
    "servicedesk:audit_list",
    "servicedesk:export_list",
    "servicedesk:dashboard",
    "servicedesk:staff_stats",
}

OBJECT_URLS = {
    "servicedesk:point_detail": lambda f: {"pk": f["point"].pk},
    "servicedesk:point_settings": lambda f: {"pk": f["point"].pk},
    "servicedesk:staff_detail": lambda f: {"pk": f["staff"].pk},
    "servicedesk:export_status": lambda f: {"pk": f["export"].pk},
    "servicedesk:export_download": lambda f: {"pk": f["export"].pk},
    "servicedesk:export_rerun": lambda f: {"pk": f["export"].pk},
}


def make_foreign(point, foreign):
    foreign["point"] = point
    foreign["staff"] = make_staff(Role.TECHNICIAN, point=point)
    foreign["export"] = ExportJob.objects.create(
        point=point,
        kind=ExportKind.MONTHLY,
        date_from=dt.date(2026, 10, 1),
        date_to=dt.date(2026, 10, 31),
    )
