# Installing libpam-pwquality puts it before pam_unix, which then takes its
# password (use_authtok).
rt_needs_network
plat_pkg_install libpam-pwquality
