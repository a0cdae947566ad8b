# The administrator's own database.
mkdir -p /etc/dconf/db/gdm.d
printf "[org/gnome/login-screen]\nbanner-message-enable=true\nbanner-message-text='Authorised use only.'\n" >/etc/dconf/db/gdm.d/00-test
dconf update
