s5_pwq_set dictcheck 1
