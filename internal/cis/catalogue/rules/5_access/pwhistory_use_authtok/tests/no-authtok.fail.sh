# pam_pwhistory without use_authtok.
rt_pwhistory_profile 'remember=24 enforce_for_root'
