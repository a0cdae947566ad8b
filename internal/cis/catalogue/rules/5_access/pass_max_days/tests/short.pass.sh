kv_set /etc/login.defs PASS_MAX_DAYS 30 '	' >/dev/null
s5_hashed_users | while read -r _u; do chage --maxdays 30 "$_u"; done
