fw_ipt_loopback 6
