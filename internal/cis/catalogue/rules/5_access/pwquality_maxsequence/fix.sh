s5_pwq_set maxsequence "$P_pwquality_maxsequence"
