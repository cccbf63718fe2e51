"""What goes wrong in the demo IT department: incident scenarios with the
words a caller uses, the category, service and items concerned, the group
that fixes it, the notes the support staff write and how it ends.

Used by the demo's history (through the services, ``history.py``) and by
the bulk loader (straight into the tables, ``bulk.py``), so both data sets
read alike.
"""

from dataclasses import dataclass

from servista.incidents.choices import ResolutionCode as Code


@dataclass(frozen=True)
class Scenario:
    category: str
    subcategory: str
    service: str | None
    group: str  # the group that resolves it
    titles: tuple[str, ...]
    description: str
    fixes: tuple[tuple[str, str], ...]  # (resolution code, resolution notes)
    cis: tuple[str, ...] = ()
    impacts: tuple[int, ...] = (3, 3, 2)
    urgencies: tuple[int, ...] = (3, 2, 2)
    notes: tuple[str, ...] = ()  # work notes of the support staff
    question: str = ""  # what the agent asks the caller
    answer: str = ""  # what the caller answers
    vendor: str = ""  # set when the fix may wait for a supplier
    weight: int = 2


SCENARIOS = [
    Scenario(
        "Hardware", "Laptop", "Workplace Devices", "End-User Computing",
        ("Laptop does not power on", "Laptop battery drains within an hour",
         "Laptop overheats and shuts down during video calls",
         "Several keys on the laptop keyboard do not respond"),
        "Since this morning my laptop is unusable; I have meetings all day.",
        ((Code.SOLVED_PERMANENTLY, "Replaced the battery under warranty."),
         (Code.SOLVED_PERMANENTLY, "Replaced the keyboard; tested all keys."),
         (Code.SOLVED_WORKAROUND, "Issued a loaner laptop while the original is repaired.")),
        notes=("Hardware diagnostics report a failing battery (health 31%).",
               "Warranty valid until next year; repair booked with the vendor."),
        question="Is the laptop plugged in to the original charger? Any lights on the power "
                 "button?",
        answer="Yes, original charger, the light blinks orange three times.",
        vendor="Waiting for the vendor to ship the replacement part.", weight=4,
    ),
    Scenario(
        "Hardware", "Printer", "Printing", "End-User Computing",
        ("Printer jams on every print job", "Cannot print to the 3rd floor printer",
         "Printer shows as offline in the print queue", "Scans to email never arrive"),
        "Nobody on our floor can print; the queue keeps growing.",
        ((Code.SOLVED_PERMANENTLY, "Replaced the fuser unit and cleaned the paper path."),
         (Code.SOLVED_REMOTELY, "Cleared the stuck queue and restarted the print spooler."),
         (Code.SOLVED_PERMANENTLY, "Corrected the SMTP relay settings on the device.")),
        cis=("prn-hq-2f-01", "prn-hq-3f-01", "prn-ops-1f-01", "print-srv01"),
        notes=("Print server shows 42 jobs stuck behind a corrupt job.",
               "Device reports error code J-0311 (paper jam in fuser)."),
        vendor="Fuser unit ordered from the printer vendor.", weight=4,
    ),
    Scenario(
        "Hardware", "Monitor", "Workplace Devices", "End-User Computing",
        ("Second monitor not detected through the docking station",
         "Monitor flickers constantly"),
        "The external screen stays black when the laptop is docked.",
        ((Code.SOLVED_REMOTELY, "Updated the docking station firmware and display driver."),
         (Code.SOLVED_PERMANENTLY, "Replaced the DisplayPort cable.")),
        question="Which docking station model do you use (label underneath)?",
        answer="It says WD19S on the label.",
    ),
    Scenario(
        "Hardware", "Mobile phone", "Email", "End-User Computing",
        ("Company phone no longer syncs email", "Cannot enrol new phone in device management"),
        "My mailbox on the phone has not updated since yesterday.",
        ((Code.SOLVED_REMOTELY, "Re-enrolled the device and re-created the mail profile."),
         (Code.USER_ERROR, "The phone was in low-power mode with background sync off.")),
        question="Did you change your password recently?",
        answer="Yes, on Monday.",
    ),
    Scenario(
        "Software", "Email client", "Email", "Service Desk",
        ("Outlook keeps asking for my password", "Outlook crashes when opening attachments",
         "Shared mailbox no longer visible in Outlook", "Calendar invitations not received"),
        "Outlook has been misbehaving since the latest update.",
        ((Code.SOLVED_REMOTELY, "Cleared cached credentials and rebuilt the Outlook profile."),
         (Code.SOLVED_REMOTELY, "Re-added the shared mailbox permission and auto-mapping."),
         (Code.SOLVED_WORKAROUND, "Disabled the faulty add-in until the vendor fixes it.")),
        cis=("exch-mbx01", "exch-mbx02"),
        notes=("Remote session: Outlook safe mode works, so an add-in is the suspect.",),
        question="Does Outlook on the web work for you?",
        answer="Yes, the web version works fine.", weight=5,
    ),
    Scenario(
        "Software", "ERP", "ERP", "Enterprise Applications",
        ("ERP invoice posting fails with error F5 702", "Cannot approve purchase orders in ERP",
         "ERP month-end report runs for hours", "ERP screen freezes when saving a goods receipt"),
        "Blocking for the finance team during closing.",
        ((Code.SOLVED_PERMANENTLY, "Corrected the posting period configuration."),
         (Code.SOLVED_PERMANENTLY, "Restored the approver's release strategy role."),
         (Code.SOLVED_WORKAROUND, "Report scheduled as a background job overnight.")),
        cis=("erp-prod", "erp-app01", "erp-app02", "erp-db01"), impacts=(2, 2, 1),
        urgencies=(2, 1, 2),
        notes=("Reproduced in the quality system with the caller's role.",
               "Short dump in the application log points to the posting period table."),
        vendor="Vendor support case opened for the posting error.", weight=4,
    ),
    Scenario(
        "Software", "Office suite", "Workplace Devices", "Service Desk",
        ("Excel freezes when opening large workbooks", "Word will not save to the file share",
         "Teams meetings have no audio"),
        "Happens every time, restarting did not help.",
        ((Code.SOLVED_REMOTELY, "Repaired the Office installation and disabled hardware "
                                "acceleration."),
         (Code.USER_ERROR, "Explained how to choose the headset as audio device."),
         (Code.SOLVED_REMOTELY, "Updated Office to the current monthly channel.")),
        question="Does it happen with every file or only one?",
        answer="Only the big forecasting workbook.", weight=3,
    ),
    Scenario(
        "Software", "CRM", "CRM", "Enterprise Applications",
        ("CRM opportunity page loads very slowly", "Cannot log in to CRM",
         "CRM export to Excel is empty"),
        "The sales team cannot update the pipeline before the forecast call.",
        ((Code.SOLVED_PERMANENTLY, "Rebuilt the opportunity search index."),
         (Code.SOLVED_REMOTELY, "Unlocked the CRM account and reset the SSO mapping."),
         (Code.SOLVED_WORKAROUND, "Use the report view export until the fix is deployed.")),
        cis=("crm-prod", "crm-db01"), impacts=(2, 3), urgencies=(2, 2),
        notes=("Slow query on the opportunity search: full scan of the activity table.",),
        weight=3,
    ),
    Scenario(
        "Software", "HR Portal", "HR Portal", "Enterprise Applications",
        ("HR portal shows the wrong leave balance", "Cannot upload expense receipts",
         "HR portal login loops back to the start page"),
        "I need this sorted before the end of the month.",
        ((Code.SOLVED_PERMANENTLY, "Re-ran the leave accrual job for the employee."),
         (Code.SOLVED_REMOTELY, "Raised the upload size limit for receipts to 20 MB."),
         (Code.USER_ERROR, "Third-party cookies were blocked in the browser.")),
        cis=("hr-portal",),
    ),
    Scenario(
        "Software", "Payroll", "Payroll", "Enterprise Applications",
        ("Payslip not available in the payroll portal", "Payroll export to the bank failed"),
        "Payroll deadline is tomorrow.",
        ((Code.SOLVED_PERMANENTLY, "Re-published the payslips of the period."),
         (Code.SOLVED_PERMANENTLY, "Renewed the expired bank transfer certificate.")),
        cis=("payroll-app", "payroll-db01"), impacts=(2, 1), urgencies=(1, 2), weight=1,
    ),
    Scenario(
        "Network", "VPN", "VPN", "Network",
        ("VPN disconnects every few minutes", "Cannot connect to the VPN from home",
         "VPN client shows error 809"),
        "Working from home today and cannot reach any internal system.",
        ((Code.SOLVED_REMOTELY, "Reinstalled the VPN client and renewed the machine "
                                "certificate."),
         (Code.SOLVED_PERMANENTLY, "Fixed the MTU setting on the VPN profile."),
         (Code.USER_ERROR, "The home router blocked IPsec; switched the client to SSL mode.")),
        cis=("vpn-gw01", "vpn-gw02"), urgencies=(2, 2, 1),
        question="Which internet connection are you on (home, hotel, mobile hotspot)?",
        answer="Home fibre, other devices work fine.", weight=4,
    ),
    Scenario(
        "Network", "Wi-Fi", "Wi-Fi", "Network",
        ("Wi-Fi drops in meeting room 4B", "Guest Wi-Fi does not accept vouchers",
         "Very slow Wi-Fi on the 2nd floor"),
        "Affects everyone in the area, meetings keep dropping.",
        ((Code.SOLVED_PERMANENTLY, "Replaced the faulty access point."),
         (Code.SOLVED_REMOTELY, "Moved the access points to non-overlapping channels."),
         (Code.SOLVED_REMOTELY, "Restarted the guest portal service on the controller.")),
        cis=("wlc-01", "ap-hq-2f-01", "ap-hq-4f-02"), impacts=(2, 3), weight=3,
    ),
    Scenario(
        "Network", "LAN", "Corporate Network", "Network",
        ("Network port at my desk does not work", "No network connection after the office move"),
        "The cable is plugged in but there is no connection.",
        ((Code.SOLVED_PERMANENTLY, "Patched the wall port to the access switch."),
         (Code.SOLVED_REMOTELY, "Assigned the port to the office VLAN.")),
        cis=("acc-sw-2f", "acc-sw-3f", "core-sw01"),
        question="What is the number on the wall socket?", answer="It reads 3.14-B.",
    ),
    Scenario(
        "Network", "Telephony", "Telephony", "Network",
        ("Desk phone has no dial tone", "Calls drop after thirty seconds"),
        "Customers cannot reach me by phone.",
        ((Code.SOLVED_REMOTELY, "Re-provisioned the phone on the telephony server."),
         (Code.SOLVED_PERMANENTLY, "Fixed the SIP session timer on the trunk.")),
        cis=("pbx-01",), weight=1,
    ),
    Scenario(
        "Access", "Password reset", "Identity & Access", "Service Desk",
        ("Forgotten password, account locked", "Password expired while on leave"),
        "I cannot log in to my computer.",
        ((Code.SOLVED_REMOTELY, "Verified the caller's identity and reset the password."),
         (Code.SOLVED_REMOTELY, "Unlocked the account; the caller changed the password.")),
        cis=("dc01", "dc02"), urgencies=(2, 2, 1), weight=5,
    ),
    Scenario(
        "Access", "Permissions", "File Shares", "Service Desk",
        ("Access denied to the Finance shared folder since yesterday",
         "Lost edit rights on the sales pipeline report"),
        "I could open it last week, nothing changed on my side.",
        ((Code.SOLVED_REMOTELY, "Re-added the user to the department security group."),
         (Code.SOLVED_PERMANENTLY, "Fixed the broken permission inheritance on the folder.")),
        cis=("fs01", "fs02"), weight=3,
    ),
    Scenario(
        "Access", "Multi-factor authentication", "Identity & Access", "Service Desk",
        ("MFA prompts not arriving on my new phone", "Authenticator app shows invalid code"),
        "Changed phones over the weekend and now I cannot sign in.",
        ((Code.SOLVED_REMOTELY, "Re-registered the authenticator on the new device."),
         (Code.USER_ERROR, "Phone clock was wrong; enabled automatic time.")),
        cis=("mfa-service",), weight=3,
    ),
    Scenario(
        "Security", "Phishing", "Email", "Security Operations",
        ("Suspicious email asking to confirm bank details",
         "Clicked a link in a phishing email"),
        "Received an email that looks like it comes from our CFO.",
        ((Code.SOLVED_PERMANENTLY, "Purged the message from all mailboxes and blocked the "
                                   "sender domain."),
         (Code.SOLVED_PERMANENTLY, "Reset the password, revoked sessions, no data accessed.")),
        impacts=(2, 2, 3), urgencies=(1, 2),
        notes=("Same sender reached 37 mailboxes; purge started.",
               "No credentials entered according to the proxy logs."), weight=3,
    ),
    Scenario(
        "Security", "Malware", "Workplace Devices", "Security Operations",
        ("Antivirus quarantined a file on my laptop", "Pop-up windows keep appearing"),
        "The antivirus showed a red warning and now the laptop is slow.",
        ((Code.SOLVED_PERMANENTLY, "Full scan clean after removing the adware extension."),
         (Code.SOLVED_PERMANENTLY, "Laptop reimaged as a precaution.")),
        impacts=(2, 3), urgencies=(1, 2), weight=1,
    ),
    Scenario(
        "Infrastructure", "File share", "File Shares", "Server Operations",
        ("Drive S: is not mapped after login", "Cannot open files on the Projects share"),
        "All my project files are on that share.",
        ((Code.SOLVED_REMOTELY, "Fixed the drive mapping in the login script."),
         (Code.SOLVED_PERMANENTLY, "Extended the full volume on the file server.")),
        cis=("fs01", "fs02", "san-01"), impacts=(2, 3), weight=3,
    ),
    Scenario(
        "Infrastructure", "Backup", "File Shares", "Server Operations",
        ("Nightly backup job failed", "Restore of deleted folder needed"),
        "Backup report shows a failed job.",
        ((Code.SOLVED_PERMANENTLY, "Freed space on the backup repository and re-ran the "
                                   "job."),
         (Code.SOLVED_PERMANENTLY, "Restored the folder from last night's backup.")),
        cis=("backup-srv01",), weight=1,
    ),
    Scenario(
        "Infrastructure", "Database", "ERP", "Database Administration",
        ("ERP database running out of disk space", "Slow queries on the CRM database"),
        "Users report timeouts.",
        ((Code.SOLVED_PERMANENTLY, "Added a data file and archived old audit logs."),
         (Code.SOLVED_PERMANENTLY, "Created the missing index; query time down to 40 ms.")),
        cis=("erp-db01", "crm-db01", "payroll-db01"), impacts=(2, 1), urgencies=(2, 2),
        notes=("Tablespace at 96%, growing 2% per day.",), weight=1,
    ),
]

CANCEL_REASONS = (
    "Logged twice by mistake.",
    "Raised in error: this is a service request; the caller was pointed to the catalog.",
    "The caller withdrew the report.",
)

CONFIRMATIONS = (
    "Works again, thank you!",
    "Confirmed, all good now.",
    "Thanks for the quick help.",
)

STILL_BROKEN = "Sorry, it is happening again since this morning."


def weighted(scenarios=SCENARIOS) -> list[Scenario]:
    """The scenarios repeated by weight, to pick from uniformly."""
    return [s for s in scenarios for _ in range(s.weight)]
