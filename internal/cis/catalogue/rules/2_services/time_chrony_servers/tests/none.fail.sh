sed -i -E 's/^(pool|server|peer|sourcedir)/#&/' /etc/chrony/chrony.conf
