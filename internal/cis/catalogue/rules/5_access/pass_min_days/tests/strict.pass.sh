kv_set /etc/login.defs PASS_MIN_DAYS 7 '	' >/dev/null
s5_hashed_users | while read -r _u; do chage --mindays 7 "$_u" 2>/dev/null || true; done
