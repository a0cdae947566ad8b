s1_dconf_profile gdm
s1_dconf_write gdm 60-hardening-user-list org/gnome/login-screen/disable-user-list true
s1_dconf_update
