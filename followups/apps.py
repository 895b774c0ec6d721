from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-up callbacks")

    def ready(self):
        from followups import hooks
        from servicedesk import navigation
        from servicedesk.models import Role

        navigation.register(
            "followups:queue",
            _("Callbacks"),
            [Role.CALLBACK_CLERK, Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER],
            order=40,
        )
        navigation.register(
            "followups:report_list",
            _("Callback reports"),
            [Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER],
            order=70,
            menu=[],
        )
        hooks.register()
