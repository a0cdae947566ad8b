# The administrator's own database.
mkdir -p /etc/dconf/profile /etc/dconf/db/gdm.d
# Debian's gdm profile reads no system database: the administrator adds one.
printf 'user-db:user\nsystem-db:gdm\nfile-db:/usr/share/gdm/greeter-dconf-defaults\n' >/etc/dconf/profile/gdm
printf '[org/gnome/login-screen]\ndisable-user-list=true\n' >/etc/dconf/db/gdm.d/00-test
dconf update
