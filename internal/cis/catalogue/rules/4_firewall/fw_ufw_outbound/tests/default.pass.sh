grep -q '^DEFAULT_OUTPUT_POLICY="ACCEPT"' /etc/default/ufw
