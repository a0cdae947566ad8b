# Debian's faillock.conf only mentions deny in a comment (built-in 3).
! grep -Eq '^[[:space:]]*deny' /etc/security/faillock.conf
