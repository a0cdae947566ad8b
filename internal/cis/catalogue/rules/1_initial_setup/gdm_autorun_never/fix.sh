s1_dconf_profile user
s1_dconf_write local 60-hardening-autorun org/gnome/desktop/media-handling/autorun-never true
s1_dconf_update
