# Debian's stacks have no pam_pwquality (libpam-pwquality is not installed).
! grep -q pam_pwquality /etc/pam.d/common-password
