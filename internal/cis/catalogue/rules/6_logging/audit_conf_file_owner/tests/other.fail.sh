chown 4242 /etc/audit/rules.d/audit.rules
