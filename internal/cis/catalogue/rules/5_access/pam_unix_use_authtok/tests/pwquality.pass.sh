# Installing libpam-pwquality puts it before pam_unix, which then takes its
# password (use_authtok).
rt_packages libpam-pwquality
