# Installed, no database and nothing that builds one at first boot.
P_aide_init=first_boot
[ ! -e /var/lib/aide/aide.db ]
