s1_dconf_profile user
s1_dconf_lock local 60-hardening-screen-lock /org/gnome/desktop/session/idle-delay /org/gnome/desktop/screensaver/lock-delay
s1_dconf_update
