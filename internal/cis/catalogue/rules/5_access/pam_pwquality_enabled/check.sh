grep -Eq '^[^#]*pam_pwquality\.so' /etc/pam.d/common-password 2>/dev/null && { h_say 'common-password: pam_pwquality'; return 0; }; h_say 'common-password: no pam_pwquality'; return 1
