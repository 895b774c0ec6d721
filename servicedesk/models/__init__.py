"""What every app shares: regions, service points (the tenants), staff and their roles, audit,
and the core's records. One module per part; every name is importable from here."""

from servicedesk.models.points import (
    CERTIFIED_ROLES,
    POINT_ROLES,
    READ_ONLY_ROLES,
    SUPERVISING_ROLES,
    PrintFormat,
    Region,
    Role,
    ServicePoint,
    default_calling_hours,
    validate_calling_hours,
)
from servicedesk.models.records import (
    AuditLog,
    DepartmentNotice,
    Heartbeat,
    Notification,
    NotificationKind,
    NotificationStatus,
    StateChange,
)
from servicedesk.models.staff import Department, StaffProfile

__all__ = [
    "CERTIFIED_ROLES",
    "POINT_ROLES",
    "READ_ONLY_ROLES",
    "SUPERVISING_ROLES",
    "AuditLog",
    "Department",
    "DepartmentNotice",
    "Heartbeat",
    "Notification",
    "NotificationKind",
    "NotificationStatus",
    "PrintFormat",
    "Region",
    "Role",
    "ServicePoint",
    "StaffProfile",
    "StateChange",
    "default_calling_hours",
    "validate_calling_hours",
]
