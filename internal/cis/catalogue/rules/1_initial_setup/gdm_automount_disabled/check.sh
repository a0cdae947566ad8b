_rc=0
s1_dconf_ready local user || _rc=1
s1_dconf_is local org/gnome/desktop/media-handling/automount false || _rc=1
s1_dconf_is local org/gnome/desktop/media-handling/automount-open false || _rc=1
return $_rc
