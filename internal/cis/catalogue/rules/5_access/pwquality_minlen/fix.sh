s5_pwq_set minlen "$P_pwquality_minlen"
