grep -Eq 'pam_unix\.so.*(yescrypt|sha512)' /etc/pam.d/common-password
