kv_set /etc/login.defs PASS_WARN_AGE 14 '	' >/dev/null
s5_hashed_users | while read -r _u; do chage --warndays 14 "$_u" 2>/dev/null || true; done
