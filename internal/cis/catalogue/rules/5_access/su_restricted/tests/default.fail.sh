# Debian's /etc/pam.d/su has pam_wheel commented out.
! grep -Eq '^[[:space:]]*auth.*pam_wheel' /etc/pam.d/su
