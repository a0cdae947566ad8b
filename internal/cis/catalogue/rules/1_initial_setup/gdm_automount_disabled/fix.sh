s1_dconf_profile user
s1_dconf_write local 60-hardening-automount org/gnome/desktop/media-handling/automount false org/gnome/desktop/media-handling/automount-open false
s1_dconf_update
