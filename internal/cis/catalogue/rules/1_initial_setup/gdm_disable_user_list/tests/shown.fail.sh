# The login screen lists the users.
mkdir -p /etc/dconf/db/gdm.d
printf '[org/gnome/login-screen]\ndisable-user-list=false\n' >/etc/dconf/db/gdm.d/00-test
dconf update
