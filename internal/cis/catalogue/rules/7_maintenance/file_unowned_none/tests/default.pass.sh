[ ! -e /srv/rt-orphan ]
