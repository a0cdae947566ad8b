# The rule applies when journald is the logger.
P_log_logger=journald
# systemd-journal-remote, installed once for the cases.
rt_packages systemd-journal-remote
