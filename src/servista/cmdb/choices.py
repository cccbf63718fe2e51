from servista.core.choices import ChoiceSet


class CIClass(ChoiceSet):
    SERVER = "server"
    VIRTUAL_MACHINE = "virtual_machine"
    APPLICATION = "application"
    DATABASE = "database"
    NETWORK_DEVICE = "network_device"
    STORAGE = "storage"
    WORKSTATION = "workstation"
    PRINTER = "printer"
    MOBILE_DEVICE = "mobile_device"
    CHOICES = [
        (SERVER, "Server"), (VIRTUAL_MACHINE, "Virtual machine"), (APPLICATION, "Application"),
        (DATABASE, "Database"), (NETWORK_DEVICE, "Network device"), (STORAGE, "Storage"),
        (WORKSTATION, "Workstation"), (PRINTER, "Printer"), (MOBILE_DEVICE, "Mobile device"),
    ]


class CIStatus(ChoiceSet):
    PLANNED = "planned"
    IN_USE = "in_use"
    MAINTENANCE = "maintenance"
    RETIRED = "retired"
    CHOICES = [(PLANNED, "Planned", "info"), (IN_USE, "In use", "success"),
               (MAINTENANCE, "In maintenance", "warning"), (RETIRED, "Retired", "secondary")]
