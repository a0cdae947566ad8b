# chrony, installed once for the cases of the chrony rules.
rt_packages chrony
