# Debian's stacks have no pam_faillock.
! grep -q pam_faillock /etc/pam.d/common-auth /etc/pam.d/common-account
