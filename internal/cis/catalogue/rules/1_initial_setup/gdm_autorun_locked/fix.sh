s1_dconf_profile user
s1_dconf_lock local 60-hardening-autorun /org/gnome/desktop/media-handling/autorun-never
s1_dconf_update
