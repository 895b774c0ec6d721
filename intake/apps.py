from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _my_open_slips(user) -> int:
    """The menu badge: open slips addressed to the user."""
    from intake.selectors import slip_queue

    return slip_queue(user=user, mine_only=True).count()


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Front desk")

    def ready(self):
        from servicedesk import navigation
        from servicedesk.models import POINT_ROLES, Role

        desk = [Role.FRONT_DESK, Role.HOTLINE, Role.SUPERVISOR, Role.SERVICE_MANAGER]
        navigation.register(
            "intake:board",
            _("Reception"),
            desk,
            order=10,
            menu=[Role.FRONT_DESK, Role.SUPERVISOR, Role.SERVICE_MANAGER],
        )
        navigation.register(
            "intake:slip_queue",
            _("Message slips"),
            sorted(POINT_ROLES),
            order=30,
            badge=_my_open_slips,
        )
        navigation.register("intake:call_screen", _("Hotline"), desk, order=12, menu=[Role.HOTLINE])
        navigation.register(
            "intake:search",
            _("Customers"),
            [*desk, Role.TECHNICIAN, Role.CALLBACK_CLERK],
            order=15,
            menu=[Role.FRONT_DESK, Role.HOTLINE, Role.TECHNICIAN, Role.CALLBACK_CLERK],
        )
