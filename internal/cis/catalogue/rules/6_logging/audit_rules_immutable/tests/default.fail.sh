! grep -rqs '^-e 2' /etc/audit/rules.d
