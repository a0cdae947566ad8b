# Debian's ufw accepts outbound traffic by default.
grep -q '^DEFAULT_OUTPUT_POLICY="ACCEPT"' /etc/default/ufw
