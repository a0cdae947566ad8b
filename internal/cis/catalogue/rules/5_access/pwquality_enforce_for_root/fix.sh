s5_pwq_set enforce_for_root ''
