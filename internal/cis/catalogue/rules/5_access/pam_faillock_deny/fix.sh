# Unset means pam_faillock's built-in 3: made explicit as it is, never
# raised to the parameter.
_d=$P_pam_faillock_deny
[ -n "$(s5_faillock deny)" ] || [ "$_d" -le 3 ] || _d=3
kv_set /etc/security/faillock.conf deny "$_d" ' = '
