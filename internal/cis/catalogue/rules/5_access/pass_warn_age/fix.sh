kv_set /etc/login.defs PASS_WARN_AGE "$P_pass_warn_age" '	'; s5_hashed_users | while read -r _u; do chage --warndays "$P_pass_warn_age" "$_u"; done
