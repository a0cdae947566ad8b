_l=$(grep -Es '^[^#]*password.*pam_unix\.so' /etc/pam.d/common-password)
h_say "${_l:-no pam_unix password line}"; echo "$_l" | grep -Eqw 'yescrypt|sha512'
