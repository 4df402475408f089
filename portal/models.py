"""Imports every area's models so `db.metadata` knows all tables (for Alembic and tests)."""
from portal.accounts.models import (  # noqa: F401
    AuditEvent,
    EmailChange,
    Invitation,
    MisuseReport,
    MisuseReportAccount,
    MisuseReportNote,
    Organization,
    OrganizationChangeRequest,
    OrganizationHistory,
    PasswordReset,
    RecoveryCode,
    User,
    UserSession,
)
from portal.applications.models import Application, ApplicationInquiry, ApplicationItem  # noqa: F401
from portal.contracts.models import Contract, PartnerContact, Plan, PlanFeeChange, Service  # noqa: F401
from portal.daily import DailyRun  # noqa: F401
from portal.ratelimit import RateLimitCounter  # noqa: F401  (and the portal+db:// storage)
from portal.lifecycle.models import (  # noqa: F401
    CancellationNotice,
    ContractEnd,
    ContractRenewal,
    DataDeletion,
    LifecycleReminder,
    PlanChangeRequest,
    RenewalApplication,
    TrialConversionRequest,
)
from portal.mail import OutboxMail  # noqa: F401
from portal.notices.models import (  # noqa: F401
    MailBounce,
    Notice,
    NoticeDelivery,
    NoticeDeliveryMail,
    NoticeRead,
    NoticeTarget,
    NoticeUpdate,
    NotificationAddress,
    NotificationAddressEvent,
)
from portal.sharing.models import Delivery, GuestAccess, GuestLink, SharingSettings, StoredFile  # noqa: F401
from portal.terms.models import TermsAcceptance, TermsVersion  # noqa: F401
from portal.billing.models import (  # noqa: F401
    Acceleration,
    BilledMonth,
    Demand,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentImport,
    Refund,
)
from portal.oversight.models import AiTrainingConsentChange, ProviderAction, RecommendedBrowser  # noqa: F401
from portal.support.models import FaultReport, FaultReportEntry  # noqa: F401
from portal.staff_audit import StaffAction  # noqa: F401
