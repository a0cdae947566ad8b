grep -q pam_unix /etc/pam.d/common-auth
