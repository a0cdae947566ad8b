# aide-common enables its daily timer.
[ "$(plat_svc_state dailyaidecheck.timer)" = enabled ]
