kv_set /etc/login.defs PASS_MIN_DAYS "$P_pass_min_days" '	'; s5_hashed_users | while read -r _u; do chage --mindays "$P_pass_min_days" "$_u"; done
