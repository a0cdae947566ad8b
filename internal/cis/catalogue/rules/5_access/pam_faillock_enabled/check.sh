_a=$(grep -Ec '^[^#]*pam_faillock\.so[[:space:]].*(preauth|authfail)' /etc/pam.d/common-auth 2>/dev/null)
_c=$(grep -Ec '^[^#]*pam_faillock\.so' /etc/pam.d/common-account 2>/dev/null)
h_say "pam_faillock: ${_a:-0} auth lines (preauth, authfail), ${_c:-0} account lines"
[ "${_a:-0}" -ge 2 ] && [ "${_c:-0}" -ge 1 ]
