# Installing libpam-pwquality enables its profile.
rt_packages libpam-pwquality
