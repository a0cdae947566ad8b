! grep -rqs 'audit_backlog_limit=' /etc/default/grub /etc/default/grub.d
