# pam_pwhistory remembers too few passwords.
rt_pwhistory_profile 'remember=5 enforce_for_root use_authtok'
