fw_ipt_loopback 4
