svc2_allow_fix /etc/cron.allow crontab
rm -f /etc/cron.deny && h_say 'removed /etc/cron.deny'
