# The administrator's own database.
mkdir -p /etc/dconf/profile /etc/dconf/db/gdm.d/locks
printf '[org/gnome/login-screen]\ndisable-user-list=true\n' >/etc/dconf/db/gdm.d/00-test
dconf update
