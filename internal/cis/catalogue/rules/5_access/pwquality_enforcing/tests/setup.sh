# libpam-pwquality, installed once for the cases of the pwquality rules.
rt_packages libpam-pwquality
