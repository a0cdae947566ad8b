chown 4242 /sbin/ausearch
