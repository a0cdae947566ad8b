! grep -q pam_pwhistory /etc/pam.d/common-password
