# at, installed once for the cases.
rt_packages at
