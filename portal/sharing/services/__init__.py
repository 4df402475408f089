"""Deliveries, files and guest links: the business rules of the files area (SPEC §3.7; terms
§1(4)(5), §7(4), §9(1), §14(5), §24(2), §31(5)), one module per topic:

- `common`: `SharingError`, clean file names and types, who manages what, the sender's name;
- `deliveries`: creating a delivery from received uploads, the lists of deliveries;
- `links`: creating, finding, revoking and suspending guest links, their lists and log;
- `guest_access`: the guest pages' gate (`next_step`) and the atomic claim of a download;
- `resumes`: resuming an interrupted counted download (same browser, file, byte budget);
- `guest_passwords`: a link's password, its per-address throttle and per-link guess budget;
- `settings`: the admins' longest link validity;
- `archive`: the organization's zip for its admins (issue 6);
- `deletion`: deleting the registered data at the end of the contract (§14(5));
- `quarantine`: the provider's §24(2)② measures on a file (quarantine, release, deletion of
  its bytes) and the attributes staff may see (§24(2)①);
- `usage`: the §9(1) counters of storage bytes and active guest links;
- `file_cleanup`: stored files follow the transaction (removed unless / after a commit).

Services add and flush, never commit; the view commits once (`portal.web.transaction`).
Refusals are `SharingError` (a `DomainError`: `exc.message` is the translated text) or
`QuotaExceeded`. This package re-exports the public names, so callers use
`from portal.sharing import services` and `services.<name>`; `portal.sharing.register(app)`
hands the usage counters, the accounts `users_contained` hook and the file clean-up over.
"""
from __future__ import annotations

from portal.sharing.services import file_cleanup
from portal.sharing.services.archive import archive_available, archive_entries, archive_name
from portal.sharing.services.common import (
    SharingError,
    can_manage,
    clean_content_type,
    organization_name,
    organization_status,
    sanitize_filename,
)
from portal.sharing.services.deletion import delete_registered_data
from portal.sharing.services.deliveries import (
    MAX_FILES,
    UPLOAD_OVERHEAD,
    Upload,
    check_upload_fits,
    create_delivery,
    deliveries_page,
    delivery_links,
    discard,
    organization_deliveries_page,
    stored_file,
)
from portal.sharing.services.guest_access import (
    ASK_PASSWORD,
    ASK_RESIDENCE,
    GONE,
    HEAD_ONLY,
    NO_SUCH_FILE,
    OPEN,
    RESUME,
    WITHHELD,
    FileRequest,
    Step,
    claim_download,
    next_step,
    notify_download,
    record_access,
    take_download,
)
from portal.sharing.services.guest_passwords import (
    ATTACK_DELAY,
    ATTACK_FAILURES,
    BUDGET_WINDOW,
    FAILURE_WINDOW,
    FREE_FAILURES,
    LINK_BUDGET,
    MAX_DELAY,
    MIN_PASSWORD,
    check_password,
    link_failures,
    password_wait,
    reserve_guess,
    suggest_password,
    unlock,
)
from portal.sharing.services.links import (
    LINK_STATUSES,
    TOKEN_BYTES,
    TOKEN_RE,
    access_log,
    create_link,
    find_link,
    link_status,
    links_page,
    revoke_link,
    status_filter,
    suspend_links_created_by,
    token_hash,
)
from portal.sharing.services.quarantine import (
    delete_file,
    file_attributes_page,
    file_history,
    names_of,
    open_quarantine,
    quarantine_file,
    quarantines_by_file,
    release_file,
)
from portal.sharing.services.resumes import RESUME_WINDOW, Grant, browser_hash, on_close
from portal.sharing.services.settings import DEFAULT_MAX_LINK_DAYS, max_link_days, set_max_link_days
from portal.sharing.services.usage import active_links, storage_bytes_used

__all__ = [
    "ASK_PASSWORD", "ASK_RESIDENCE", "ATTACK_DELAY", "ATTACK_FAILURES", "DEFAULT_MAX_LINK_DAYS",
    "BUDGET_WINDOW", "FAILURE_WINDOW", "LINK_BUDGET", "MIN_PASSWORD", "FREE_FAILURES", "GONE", "HEAD_ONLY", "LINK_STATUSES", "MAX_DELAY",
    "MAX_FILES", "NO_SUCH_FILE", "OPEN", "RESUME", "RESUME_WINDOW", "TOKEN_BYTES", "TOKEN_RE",
    "UPLOAD_OVERHEAD", "FileRequest", "Grant", "SharingError", "Step", "Upload", "access_log",
    "active_links", "archive_available", "archive_entries", "archive_name", "can_manage",
    "check_password", "check_upload_fits", "claim_download", "clean_content_type",
    "create_delivery", "create_link", "delete_registered_data", "deliveries_page",
    "delivery_links", "discard", "file_cleanup", "find_link", "link_failures", "link_status",
    "links_page", "max_link_days", "on_close", "browser_hash", "next_step", "notify_download",
    "organization_name", "organization_status", "password_wait", "record_access",
    "revoke_link", "sanitize_filename", "set_max_link_days", "status_filter",
    "storage_bytes_used", "suggest_password", "reserve_guess", "stored_file", "suspend_links_created_by", "take_download",
    "token_hash", "unlock", "WITHHELD", "organization_deliveries_page", "delete_file", "file_attributes_page", "file_history",
    "names_of", "open_quarantine", "quarantine_file", "quarantines_by_file", "release_file",
]
