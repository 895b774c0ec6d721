from servicedesk.models import Role
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
}

OBJECT_URLS = {
    "servicedesk:point_detail": lambda f: {"pk": f["point"].pk},
    "servicedesk:point_settings": lambda f: {"pk": f["point"].pk},
    "servicedesk:staff_detail": lambda f: {"pk": f["staff"].pk},
}


def make_foreign(point, foreign):
    foreign["point"] = point
    foreign["staff"] = make_staff(Role.TECHNICIAN, point=point)
