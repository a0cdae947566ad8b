maint_dups /etc/passwd 1 'user name'
