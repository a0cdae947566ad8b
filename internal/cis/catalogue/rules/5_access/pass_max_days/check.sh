s5_logindefs_between PASS_MAX_DAYS 1 "$P_pass_max_days" && s5_users_field 5 1 "$P_pass_max_days"
