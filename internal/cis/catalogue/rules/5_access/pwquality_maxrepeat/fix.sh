s5_pwq_set maxrepeat "$P_pwquality_maxrepeat"
