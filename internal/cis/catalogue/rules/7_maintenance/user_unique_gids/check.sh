maint_dups /etc/group 3 GID
