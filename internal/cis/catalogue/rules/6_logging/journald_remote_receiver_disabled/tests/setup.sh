# The rule applies when journald is the logger.
P_log_logger=journald
