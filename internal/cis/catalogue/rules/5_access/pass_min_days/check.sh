s5_logindefs_between PASS_MIN_DAYS "$P_pass_min_days" 99999 && s5_users_field 4 "$P_pass_min_days" 99999
