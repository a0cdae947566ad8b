# pwquality's built-in minimum is 8 (unset).
! grep -Eq '^[[:space:]]*minlen' /etc/security/pwquality.conf
