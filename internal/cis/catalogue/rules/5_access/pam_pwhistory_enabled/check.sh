grep -Eq '^[^#]*pam_pwhistory\.so' /etc/pam.d/common-password 2>/dev/null && { h_say 'common-password: pam_pwhistory'; return 0; }; h_say 'common-password: no pam_pwhistory'; return 1
