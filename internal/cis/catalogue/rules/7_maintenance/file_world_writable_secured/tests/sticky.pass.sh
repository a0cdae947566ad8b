mkdir -p /srv/rt-shared && chmod 1777 /srv/rt-shared
