# cron, installed once for the cases of the cron rules.
rt_packages cron
