_rc=0
s1_dconf_ready local user || _rc=1
s1_dconf_is local org/gnome/desktop/media-handling/autorun-never true || _rc=1
return $_rc
