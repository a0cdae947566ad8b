s5_pwq_set difok "$P_pwquality_difok"
