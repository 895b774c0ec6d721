from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import hooks
        from servicedesk import navigation
        from servicedesk.models import Role

        navigation.register(
            "complaints:queue",
            _("Complaints"),
            {Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER},
            order=50,
        )
        navigation.register(
            "complaints:new",
            _("New complaint"),
            {Role.FRONT_DESK, Role.HOTLINE, Role.CALLBACK_CLERK},
            order=51,
        )
        hooks.register()
