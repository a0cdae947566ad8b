s5_pwq_set minclass "$P_pwquality_minclass"
