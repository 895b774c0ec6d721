from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self):
        from django.contrib.auth import get_user_model

        from servicedesk import navigation, signals  # noqa: F401
        from servicedesk.models import SUPERVISING_ROLES, Role
        from servicedesk.people import person_label

        # Wherever an account is printed (dropdowns, timelines, admin lists), it reads as the
        # person's name and staff number, never as the login name (UX 4).
        get_user_model().__str__ = person_label  # type: ignore[method-assign]

        supervisors_and_region = SUPERVISING_ROLES | {Role.REGIONAL_CENTER}
        # In "More" for the supervisors and the region; on the bar of the administrator.
        admin = [Role.ADMIN]
        navigation.register(
            "servicedesk:staff_list", _("Staff"), supervisors_and_region, order=80, menu=admin
        )
        navigation.register(
            "servicedesk:point_list",
            _("Service points"),
            supervisors_and_region,
            order=85,
            menu=admin,
        )
        navigation.register(
            "servicedesk:audit_list", _("Audit log"), SUPERVISING_ROLES, order=90, menu=admin
        )
