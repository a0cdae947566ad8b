_rc=0
s1_dconf_ready gdm gdm || _rc=1
s1_dconf_is gdm org/gnome/login-screen/banner-message-enable true || _rc=1
s1_dconf_is gdm org/gnome/login-screen/banner-message-text '*' || _rc=1
return $_rc
