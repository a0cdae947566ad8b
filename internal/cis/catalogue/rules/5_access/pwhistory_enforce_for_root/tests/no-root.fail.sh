# pam_pwhistory without enforce_for_root: root may reuse passwords.
rt_pwhistory_profile 'remember=24 use_authtok'
