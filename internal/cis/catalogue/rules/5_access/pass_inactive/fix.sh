useradd -D -f "$P_pass_inactive_days"; s5_hashed_users | while read -r _u; do chage --inactive "$P_pass_inactive_days" "$_u"; done
