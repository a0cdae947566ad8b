# Debian's cron has neither cron.allow nor cron.deny: everyone may use it.
[ ! -e /etc/cron.allow ]
