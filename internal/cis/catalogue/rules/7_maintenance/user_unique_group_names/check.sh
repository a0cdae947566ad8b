maint_dups /etc/group 1 'group name'
