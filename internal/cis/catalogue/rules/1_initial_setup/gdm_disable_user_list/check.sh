_rc=0
s1_dconf_ready gdm gdm || _rc=1
s1_dconf_is gdm org/gnome/login-screen/disable-user-list true || _rc=1
return $_rc
