! grep -q remember= /etc/pam.d/common-password
