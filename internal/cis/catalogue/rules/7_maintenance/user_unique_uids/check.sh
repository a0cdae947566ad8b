maint_dups /etc/passwd 3 UID
