# The administrator's own pam-auth-update profile.
rt_pwhistory_profile 'remember=24 enforce_for_root use_authtok'
