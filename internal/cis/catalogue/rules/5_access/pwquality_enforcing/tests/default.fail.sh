# Enforcing by default, but only implicitly: scanners want it written.
! grep -Eqs '^[[:space:]]*enforcing' /etc/security/pwquality.conf
