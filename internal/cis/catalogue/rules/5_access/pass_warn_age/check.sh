s5_logindefs_between PASS_WARN_AGE "$P_pass_warn_age" 99999 && s5_users_field 6 "$P_pass_warn_age" 99999
