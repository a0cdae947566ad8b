s5_pwq_set enforcing 1
