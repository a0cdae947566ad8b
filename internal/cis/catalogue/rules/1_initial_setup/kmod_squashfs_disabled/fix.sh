s1_kmod_fix squashfs snapd
