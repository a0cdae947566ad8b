# Enforcing unless configured otherwise.
! grep -Eqs '^[[:space:]]*enforcing' /etc/security/pwquality.conf
