# No remediation: it is reported.
printf 'x\n' >/srv/rt-orphan
chown 4242:4242 /srv/rt-orphan
