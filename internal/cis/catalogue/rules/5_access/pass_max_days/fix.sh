kv_set /etc/login.defs PASS_MAX_DAYS "$P_pass_max_days" '	'; s5_hashed_users | while read -r _u; do chage --maxdays "$P_pass_max_days" "$_u"; done
