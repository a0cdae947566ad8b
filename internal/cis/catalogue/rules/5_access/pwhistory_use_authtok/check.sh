grep -Es '^[^#]*pam_pwhistory\.so' /etc/pam.d/common-password | grep -qw use_authtok && { h_say 'pam_pwhistory: use_authtok'; return 0; }; h_say 'pam_pwhistory without use_authtok'; return 1
