# Dictionary checks are on by default, but only implicitly: scanners want it written.
! grep -Eqs '^[[:space:]]*dictcheck' /etc/security/pwquality.conf
