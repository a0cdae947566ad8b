! grep -Eqs '^[[:space:]]*enforce_for_root' /etc/security/pwquality.conf
