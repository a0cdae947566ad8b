s1_dconf_profile user
s1_dconf_lock local 60-hardening-automount /org/gnome/desktop/media-handling/automount /org/gnome/desktop/media-handling/automount-open
s1_dconf_update
